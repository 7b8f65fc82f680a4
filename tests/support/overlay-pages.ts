/**
 * N pages of the real OverlayFlood, each linked to its control-overlay neighbours only (for the
 * overlay's tests, simulations and bench). Whatever a page sends goes to `send`; the caller
 * decides when it arrives and hands it on with `deliverOverlay`.
 */
import { OverlayFlood, type OverlayFloodHost } from '../../src/call/overlay-flood';
import type { ControlMessage } from '../../src/protocol/mesh-messages';
import { planControlOverlay } from '../../src/tree/control-overlay';

/** A page's own hooks: when it hears someone, a tree signal, a private message, its clock. */
export type PageHooks = Partial<Omit<OverlayFloodHost, 'myId' | 'neighbours'>>;

export function overlayPages(
  ids: readonly string[],
  send: (from: string, to: string, msg: ControlMessage) => void,
  hooks: (me: string) => PageHooks = () => ({}),
): { neighbours: ReadonlyMap<string, readonly string[]>; floods: Map<string, OverlayFlood> } {
  const { neighbours } = planControlOverlay(ids);
  const floods = new Map<string, OverlayFlood>();
  for (const me of ids) {
    const links = (neighbours.get(me) ?? []).map((peerId) => ({ peerId, send: (msg: ControlMessage) => (send(me, peerId, msg), true) }));
    floods.set(me, new OverlayFlood({ onTree: () => {}, ...hooks(me), myId: me, neighbours: () => links }));
  }
  return { neighbours, floods };
}

/** Hands an overlay message to the page it was sent to; false when it is not one. */
export function deliverOverlay(to: OverlayFlood | undefined, from: string, msg: ControlMessage): boolean {
  if (msg.t === 'flood') to?.receive(from, msg);
  else if (msg.t === 'beats') to?.receiveBeats(msg.e);
  else if (msg.t === 'roster') to?.receiveRoster(msg.m);
  else return false;
  return true;
}
