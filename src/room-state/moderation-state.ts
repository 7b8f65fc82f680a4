/**
 * A client's view of moderation: feeds the doc's action log through an `ActionVerifier`,
 * folds settings and hands live one-shot effects (mute, remove...) to the caller. Pure and
 * incremental: call `ingest` with the whole log whenever it changes (the seen-set makes
 * repeats free), and again after an epoch change (actions from a newer epoch wait for it).
 */
import type { Verdict, VerifierOptions } from './moderation';
import { ActionVerifier } from './moderation';
import type { ModeratorAction } from './moderator-action';
import type { RoomSettings, SettingsFold } from './room-settings';
import { applyToSettings, emptySettingsFold } from './room-settings';
import { RoomStateError } from './room-state-error';

export interface IngestResult {
  settings: RoomSettings;
  /** Verified, fresh one-shot actions to carry out now, in log order. */
  effects: ModeratorAction[];
  /** Entries refused this time (forged, replayed, not a moderator...), for the debug panel. */
  rejected: RoomStateError[];
}

export class ModerationState {
  private readonly verifier: ActionVerifier;
  private fold: SettingsFold = emptySettingsFold();
  /** Bodies already accepted: re-reading the log must not report them as replays. */
  private readonly accepted = new Set<string>();

  constructor(private readonly options: VerifierOptions) {
    this.verifier = new ActionVerifier(options);
  }

  get settings(): RoomSettings {
    return this.fold.settings;
  }

  /** Whether `peerId` may act: the host, or anyone when the room lets everyone moderate. */
  canModerate(isHost: boolean): boolean {
    return isHost || !this.options.moderatorKey || this.fold.settings.everyoneModerator;
  }

  ingest(log: readonly unknown[], clock: { now: number; epoch: number }): IngestResult {
    const effects: ModeratorAction[] = [];
    const rejected: RoomStateError[] = [];
    for (const entry of log) {
      const key = bodyKey(entry);
      if (key !== null && this.accepted.has(key)) continue;
      let verdict: Verdict;
      try {
        verdict = this.verifier.accept(entry, { ...clock, everyoneModerator: this.fold.settings.everyoneModerator });
      } catch (err) {
        rejected.push(err instanceof RoomStateError ? err : new RoomStateError('invalid-message', 'unreadable action', { cause: err }));
        continue;
      }
      if (key !== null) this.accepted.add(key);
      this.fold = applyToSettings(this.fold, verdict.action);
      if (verdict.live) effects.push(verdict.action);
    }
    return { settings: this.fold.settings, effects, rejected };
  }
}

function bodyKey(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const { body, sig } = entry as { body?: unknown; sig?: unknown };
  return typeof body === 'string' && typeof sig === 'string' ? `${sig}:${body.length}` : null;
}
