/**
 * Encode once: our camera and mic are encoded and encrypted once, on a loopback link from us
 * to ourselves; its receiver hands our ciphertext to the forward worker, which copies it to
 * every child exactly as a forwarder does. Without it an origin with k children ran k encoders.
 * `SelfLoopKeeper` makes the loop at most once while it is wanted and knows which attempt is
 * current; `openSelfLoop` makes one.
 */
import type { MediaKind } from '../e2ee/clear-prefix';
import type { ForwardingNode } from './forwarding/forwarding-node';
import { openDownstream, openUpstream, type DownstreamLink, type UpstreamLink } from './forwarding/tree-links';

export interface SelfLoop {
  up: UpstreamLink;
  down: DownstreamLink;
}

export type SelfLoopState = 'none' | 'pending' | 'failed' | RTCPeerConnectionState;

/** Our loopback link must connect within this, or children get one encoder each. */
const SELF_LOOP_TIMEOUT_MS = 5000;
/** The child id our loopback link goes by in the forward worker. */
const SELF_LOOP_CHILD = 'self-loop';

/** The tracks that exist, as openDownstream takes them. */
export function present(tracks: Record<MediaKind, MediaStreamTrack | null>): Partial<Record<MediaKind, MediaStreamTrack>> {
  return { ...(tracks.audio ? { audio: tracks.audio } : {}), ...(tracks.video ? { video: tracks.video } : {}) };
}

/** Resolves once `pc` is connected; rejects when it fails or `ms` pass first. */
function connected(pc: RTCPeerConnection, ms: number): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('loopback link did not connect')), ms);
    const done = (error?: Error) => {
      clearTimeout(timer);
      pc.removeEventListener('connectionstatechange', check);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (pc.connectionState === 'connected') done();
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') done(new Error(`loopback link ${pc.connectionState}`));
    };
    pc.addEventListener('connectionstatechange', check);
  });
}

function closeLoop(loop: SelfLoop): void {
  loop.up.pc.close();
  loop.down.pc.close();
}

export interface SelfLoopDeps {
  node: ForwardingNode;
  myId: string;
  tracks: Record<MediaKind, MediaStreamTrack | null>;
  /** Sets our video sender's layer (resolution, frame rate, bitrate). */
  limitVideo: (sender: RTCRtpSender) => Promise<void>;
  /** Still wanted once connected (the room may have gone back to a mesh meanwhile). */
  wanted: () => boolean;
}

/** Makes one loopback link; rejects when it does not connect in time or is no longer wanted. */
export async function openSelfLoop(deps: SelfLoopDeps): Promise<SelfLoop> {
  const up = await openUpstream(deps.node, deps.myId, { iceServers: [] });
  let down: DownstreamLink | null = null;
  try {
    down = await openDownstream(deps.node, {
      offer: up.offer,
      childId: SELF_LOOP_CHILD,
      sourceId: deps.myId,
      tracks: present(deps.tracks),
      localId: deps.myId,
      iceServers: [],
    });
    await up.accept(down.answer);
    if (down.senders.video) await deps.limitVideo(down.senders.video);
    await connected(up.pc, SELF_LOOP_TIMEOUT_MS);
    if (!deps.wanted()) throw new Error('no longer needed');
    return { up, down };
  } catch (error) {
    up.pc.close();
    down?.pc.close();
    throw error;
  }
}

export class SelfLoopKeeper {
  private attempt: Promise<SelfLoop | null> | null = null;
  /** Where the loop is, for debug: the loop itself once connected. */
  private status: 'none' | 'pending' | 'failed' | SelfLoop = 'none';

  constructor(
    private readonly open: () => Promise<SelfLoop>,
    /** The loop is wanted (not disposed, the room is a tree). */
    private readonly wanted: () => boolean,
  ) {}

  /** The current attempt (null: none asked for since the last close). */
  get current(): Promise<SelfLoop | null> | null {
    return this.attempt;
  }

  get state(): SelfLoopState {
    return typeof this.status === 'string' ? this.status : this.status.up.pc.connectionState;
  }

  /** The loop, made once; null when it does not connect in time (then: one encoder per child). */
  ensure(): Promise<SelfLoop | null> {
    if (!this.attempt) {
      this.status = 'pending';
      const attempt: Promise<SelfLoop | null> = this.open().then(
        (loop) => {
          // Closed while it connected (the room went back to a mesh for a moment): it must not
          // become current, or links would wait on frames from a loop that close() shuts (seen
          // in CI: an origin's children got nothing, its loop reported "closed"). Those links
          // take the loop wanted now instead.
          if (this.attempt !== attempt) {
            closeLoop(loop);
            return this.wantedNow();
          }
          this.status = loop;
          return loop;
        },
        (error: unknown) => {
          if (this.attempt !== attempt) return this.wantedNow();
          this.status = 'failed';
          console.warn('[tree] no loopback link; encoding once per child', error);
          return null;
        },
      );
      this.attempt = attempt;
    }
    return this.attempt;
  }

  close(): void {
    const current = this.status;
    this.attempt = null;
    this.status = 'none';
    // A loop still being set up closes itself once it finds it is no longer wanted (ensure);
    // only one already current is closed here. Closing whatever the attempt resolved to
    // instead shut the wrong loop: an attempt overtaken mid-setup resolves to the loop wanted
    // since (tree → mesh → tree while joining), and that one was closed too, leaving an
    // origin's children without its video (seen in tree-last-n.spec).
    if (typeof current !== 'string') closeLoop(current);
  }

  /** For links that waited on a loop closed meanwhile: the loop now wanted, if any. */
  private wantedNow(): Promise<SelfLoop | null> | null {
    return this.wanted() ? this.ensure() : null;
  }
}
