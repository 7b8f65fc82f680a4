/**
 * When an origin changes its video layer. Being the most recent speaker flips with every
 * speaking turn, and in crosstalk turns change several times a second (four pages with beeping
 * fake microphones flipped 49 times in 100 s). Each change of size makes the encoder send a key
 * frame, so the layer follows the stage with a hold: up to the stage once we have been on it
 * for `upMs`, back to a thumbnail once we have been off it for `downMs`. Only the origin's own
 * sending depends on this; receivers decode whatever size arrives. Pure: the caller passes time.
 */
import type { VideoLayer } from './call-plan';

export const STAGE_UP_MS = 1000;
export const STAGE_DOWN_MS = 3000;

export interface LayerStep {
  /** The layer to send now. */
  layer: VideoLayer;
  /** When to ask again if nothing else changes (a pending change is due then), else null. */
  recheckAt: number | null;
}

export class LayerHold {
  private current: VideoLayer = 'thumb';
  /** Since when the wanted layer has differed from the current one (null: it has not). */
  private differsSince: number | null = null;

  constructor(
    private readonly upMs = STAGE_UP_MS,
    private readonly downMs = STAGE_DOWN_MS,
  ) {}

  get layer(): VideoLayer {
    return this.current;
  }

  next(wanted: VideoLayer, now: number): LayerStep {
    if (wanted === this.current) {
      this.differsSince = null;
      return { layer: this.current, recheckAt: null };
    }
    this.differsSince ??= now;
    const due = this.differsSince + (wanted === 'stage' ? this.upMs : this.downMs);
    if (now < due) return { layer: this.current, recheckAt: due };
    this.current = wanted;
    this.differsSince = null;
    return { layer: this.current, recheckAt: null };
  }
}
