/**
 * Dominant speaker from audio levels (0..1, as WebRTC's `audioLevel`), computed in each
 * browser. Hysteresis keeps the stage from flickering: a challenger takes over only after
 * being clearly louder than the current speaker for `holdMs`; silence below `floor` for
 * `releaseMs` clears the speaker. Pure: levels and the clock are inputs.
 */
export interface DominantSpeakerOptions {
  /** Levels below this are silence. */
  floor?: number;
  /** A challenger must be this many times louder than the current speaker. */
  ratio?: number;
  holdMs?: number;
  releaseMs?: number;
}

export class DominantSpeaker {
  private current: string | null = null;
  private challenger: { id: string; since: number } | null = null;
  private quietSince: number | null = null;
  private readonly floor: number;
  private readonly ratio: number;
  private readonly holdMs: number;
  private readonly releaseMs: number;

  constructor(options: DominantSpeakerOptions = {}) {
    this.floor = options.floor ?? 0.02;
    this.ratio = options.ratio ?? 1.5;
    this.holdMs = options.holdMs ?? 400;
    this.releaseMs = options.releaseMs ?? 2000;
  }

  get speaker(): string | null {
    return this.current;
  }

  /** Feeds one sample of everyone's level; returns the dominant speaker after it. */
  update(levels: ReadonlyMap<string, number>, now: number): string | null {
    let loudest: string | null = null;
    let loudestLevel = this.floor;
    for (const [id, raw] of levels) {
      const level = Number.isFinite(raw) ? raw : 0;
      if (level >= loudestLevel && (level > loudestLevel || loudest === null || id < loudest)) {
        loudest = id;
        loudestLevel = level;
      }
    }
    const currentLevel = this.current === null ? 0 : (levels.get(this.current) ?? 0);
    if (this.current !== null && !levels.has(this.current)) {
      this.current = null; // They left.
    }
    if (currentLevel < this.floor) {
      this.quietSince ??= now;
    } else {
      this.quietSince = null;
    }
    if (this.current !== null && this.quietSince !== null && now - this.quietSince >= this.releaseMs && loudest === null) {
      this.current = null;
    }
    if (loudest === null || loudest === this.current) {
      this.challenger = null;
      return this.current;
    }
    const beats = this.current === null || currentLevel < this.floor || loudestLevel >= currentLevel * this.ratio;
    if (!beats) {
      this.challenger = null;
      return this.current;
    }
    if (this.challenger?.id !== loudest) this.challenger = { id: loudest, since: now };
    // Nobody is speaking: the first voice takes the stage at once.
    if (this.current === null || now - this.challenger.since >= this.holdMs) {
      this.current = loudest;
      this.challenger = null;
      this.quietSince = null;
    }
    return this.current;
  }
}
