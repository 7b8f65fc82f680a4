/**
 * Moderator actions: a union on `kind`, plus the envelope every action carries (id, time,
 * key epoch, author). Validated as a whole after the signature checks out — and before:
 * the wire form crosses a trust boundary (the doc).
 */
import { isBoundedString, isRecord, isTimestamp, isToken } from './doc-values';
import { ROOM_LIMITS } from './room-limits';

export const ACTION_VERSION = 1;

export type MediaKind = 'audio' | 'video';
export type LayoutKind = 'tile' | 'stage';

export type ActionBody =
  | { kind: 'mute'; target: string; media: MediaKind }
  | { kind: 'mute-everyone'; media: MediaKind }
  | { kind: 'remove'; target: string }
  | { kind: 'lock'; locked: boolean }
  | { kind: 'lobby'; enabled: boolean }
  /** Only the host key can switch this: otherwise any member could make themselves moderator. */
  | { kind: 'everyone-moderator'; enabled: boolean }
  /** `target` is the knock id; the answer itself travels on the lobby topic (`lobby.ts`). */
  | { kind: 'admit'; target: string }
  | { kind: 'deny'; target: string }
  /** Ask everyone to follow this layout; `layout: null` releases them. */
  | { kind: 'set-layout'; layout: LayoutKind | null; pinned: string | null };

export type ActionKind = ActionBody['kind'];

export interface ActionEnvelope {
  v: typeof ACTION_VERSION;
  /** Unique per action: the seen-set key. */
  id: string;
  /** Author's clock (ms). Old actions still count for settings but no longer fire effects. */
  at: number;
  /** E2EE key epoch the action was made in: a removal moves the room on, old actions go stale. */
  epoch: number;
  /** Author's mesh peer id. */
  by: string;
}

export type ModeratorAction = ActionEnvelope & ActionBody;

/** Actions that do something once (to someone) rather than set room state. */
export const EFFECT_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>(['mute', 'mute-everyone', 'remove', 'admit', 'deny']);

const isMedia = (v: unknown): v is MediaKind => v === 'audio' || v === 'video';
const isLayout = (v: unknown): v is LayoutKind => v === 'tile' || v === 'stage';

function parseBody(v: Record<string, unknown>): ActionBody | null {
  switch (v.kind) {
    case 'mute':
      return isToken(v.target) && isMedia(v.media) ? { kind: 'mute', target: v.target, media: v.media } : null;
    case 'mute-everyone':
      return isMedia(v.media) ? { kind: 'mute-everyone', media: v.media } : null;
    case 'remove':
      return isToken(v.target) ? { kind: 'remove', target: v.target } : null;
    case 'lock':
      return typeof v.locked === 'boolean' ? { kind: 'lock', locked: v.locked } : null;
    case 'lobby':
    case 'everyone-moderator':
      return typeof v.enabled === 'boolean' ? { kind: v.kind, enabled: v.enabled } : null;
    case 'admit':
    case 'deny':
      return isToken(v.target, ROOM_LIMITS.idChars) ? { kind: v.kind, target: v.target } : null;
    case 'set-layout': {
      const layout = v.layout === null || isLayout(v.layout) ? v.layout : undefined;
      const pinned = v.pinned === null || isToken(v.pinned) ? v.pinned : undefined;
      return layout === undefined || pinned === undefined ? null : { kind: 'set-layout', layout, pinned };
    }
    default:
      return null;
  }
}

export function parseModeratorAction(v: unknown): ModeratorAction | null {
  if (!isRecord(v) || v.v !== ACTION_VERSION) return null;
  const { id, at, epoch, by } = v;
  if (!isToken(id, ROOM_LIMITS.idChars) || !isTimestamp(at) || !isToken(by)) return null;
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) return null;
  const body = parseBody(v);
  return body ? { v: ACTION_VERSION, id, at, epoch, by, ...body } : null;
}

/** The wire form in the doc: the exact signed bytes travel as a string, so no canonical JSON is needed. */
export interface SignedAction {
  auth: 'ed25519' | 'hmac';
  body: string;
  sig: string;
}

export function parseSignedAction(v: unknown): SignedAction | null {
  if (!isRecord(v)) return null;
  const { auth, body, sig } = v;
  if (auth !== 'ed25519' && auth !== 'hmac') return null;
  if (!isBoundedString(body, ROOM_LIMITS.actionChars) || !isToken(sig, 128)) return null;
  return { auth, body, sig };
}
