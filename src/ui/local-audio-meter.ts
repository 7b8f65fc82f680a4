/**
 * Our own microphone level (0..1, the peak over the last ~⅓ s, like RTP's `audioLevel`
 * which is peak-based too), from a WebAudio analyser on the local track: it
 * works alone in the room (no connection to read stats from) and keeps a poll several
 * times a second off the peer connections.
 */
export class LocalAudioMeter {
  private context: AudioContext | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private analyser: AnalyserNode | null = null;
  private trackId: string | null = null;
  private buffer: Float32Array<ArrayBuffer> | null = null;

  level(track: MediaStreamTrack | null): number {
    if (!track || track.readyState !== 'live' || !track.enabled) return 0;
    try {
      if (track.id !== this.trackId) this.attach(track);
      const analyser = this.analyser;
      const buffer = this.buffer;
      if (!analyser || !buffer || this.context?.state !== 'running') {
        void this.context?.resume().catch(() => undefined);
        return 0;
      }
      analyser.getFloatTimeDomainData(buffer);
      let peak = 0;
      // 16k samples three times a second: an indexed loop (the iterator form showed in profiles).
      for (let i = 0; i < buffer.length; i++) {
        const x = buffer[i]!;
        if (x > peak) peak = x;
        else if (-x > peak) peak = -x;
      }
      return Math.min(1, peak);
    } catch {
      return 0;
    }
  }

  private attach(track: MediaStreamTrack): void {
    this.source?.disconnect();
    this.context ??= new AudioContext();
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.analyser = this.context.createAnalyser();
    // ~340 ms at 48 kHz: one window spans the whole poll interval, so no syllable slips between.
    this.analyser.fftSize = 16384;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.source.connect(this.analyser);
    this.trackId = track.id;
  }

  dispose(): void {
    this.source?.disconnect();
    void this.context?.close().catch(() => undefined);
    this.context = null;
    this.source = null;
    this.analyser = null;
    this.trackId = null;
  }
}
