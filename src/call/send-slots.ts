/**
 * What a connection sends and where end-to-end encryption hooks into it: shared by the
 * session, the kit it is built from, and the call's security.
 */
export type MediaKind = 'audio' | 'video';

/**
 * What a sender carries. Camera and microphone, plus the screen share's video and (tab or
 * system) audio on transceivers of their own, created up front like the others so their
 * transforms are attached before any description: starting a share is then replaceTrack only.
 */
export type SendSlot = MediaKind | 'screen-audio' | 'screen-video';
/** Creation order: both sides add them in this order so a remote offer's m-lines map onto them. */
export const SEND_SLOTS: readonly SendSlot[] = ['audio', 'video', 'screen-audio', 'screen-video'];

export function slotKind(slot: SendSlot): MediaKind {
  return slot === 'audio' || slot === 'screen-audio' ? 'audio' : 'video';
}

/**
 * Where end-to-end encryption hooks in, all when the connection is built (a spare is built
 * before anyone is there): Chromium runs a receiver transform only if it is set as the receiver
 * is created. Receivers learn whose frames they carry later, once the remote is known.
 */
export interface FrameTransformHook {
  /** `link` names the connection, so its senders can be held until the peer is verified. */
  attachSender(sender: RTCRtpSender, kind: MediaKind, link: string): void;
  /** A receiver whose sender `bindReceivers` names later; returns its token. */
  attachReceiverLater(receiver: RTCRtpReceiver, kind: MediaKind): string;
  /** These receivers carry `remoteId`'s frames (nothing passes them before this). */
  bindReceivers(tokens: readonly string[], remoteId: string): void;
}
