/**
 * A joining page shows the first person's picture before the rest of the call.
 *
 * Traced in bench/join (2026-12-04): the first video frame was decrypted in the E2EE worker
 * 86–154 ms before the page could show it. The in-call UI (its render, then style and layout,
 * ≈100 ms of main thread on two busy cores) ran between the key hand-out and the frame, and the
 * frame had no <video> to go to until it was done. Now the "Joining…" screen puts that person's
 * stream in a video of its own as soon as we hold their key; the browser draws a decoded frame
 * there without our main thread, and the call UI renders once that frame is shown. In a mesh
 * only (RoomPage): in a large room the camera comes over a tree link, not that connection.
 */
import type { ParticipantView } from '../call/call-engine';

/** The longest the call UI waits for the first picture (a camera that is on but sends nothing). */
export const FIRST_PICTURE_MAX_MS = 1000;

/**
 * Whose picture to show first: the earliest-joined person who is connected, verified and has
 * their camera on with a live video track; null when there is no such person (then the call
 * UI renders at once, as before).
 */
export function firstPicturePeer(people: readonly Pick<ParticipantView, 'peerId' | 'name' | 'phase' | 'trust' | 'camOn' | 'stream'>[]): { peerId: string; name: string; stream: MediaStream } | null {
  for (const p of people) {
    if (p.phase !== 'connected' || p.trust !== 'verified' || !p.camOn || !p.stream) continue;
    if (!p.stream.getVideoTracks().some((t) => t.readyState === 'live')) continue;
    return { peerId: p.peerId, name: p.name, stream: p.stream };
  }
  return null;
}
