/**
 * The two SDP edits the browser has no API for, as pure string functions:
 *  - Opus fmtp parameters (in-band FEC, DTX, stereo music mode);
 *  - a receive cap: `b=AS`/`b=TIAS` on the video section of the SDP *I send*, which tells the
 *    other side's sender to stay under it (RFC 3556 / RFC 3890; Chrome honours both).
 * Apply them to the description text you send over signalling (and, for Opus, to the one you
 * pass to setLocalDescription too, so both ends agree). Line endings are kept as found.
 */

export interface OpusOptions {
  /**
   * Music mode: stereo at 128 kbps and no DTX. DTX stops sending during "silence", which for
   * music means quiet passages and reverb tails get cut, so it is off in this mode.
   */
  music: boolean;
}

/** Opus fmtp parameters we set; others already present (minptime…) are kept. */
export function opusParameters(opts: OpusOptions): Record<string, string> {
  return opts.music
    ? { useinbandfec: '1', usedtx: '0', stereo: '1', 'sprop-stereo': '1', maxaveragebitrate: '128000' }
    : { useinbandfec: '1', usedtx: '1' };
}

interface Section {
  lines: string[];
}

function splitSdp(sdp: string): { eol: string; session: string[]; media: Section[] } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const session: string[] = [];
  const media: Section[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) media.push({ lines: [line] });
    else if (media.length > 0) media[media.length - 1]?.lines.push(line);
    else session.push(line);
  }
  return { eol, session, media };
}

function joinSdp(eol: string, session: string[], media: Section[]): string {
  return [...session, ...media.flatMap((m) => m.lines)].join(eol) + eol;
}

function parseFmtp(params: string): [string, string][] {
  return params
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    });
}

/** Sets the Opus fmtp parameters in every audio section that offers Opus. */
export function tuneOpus(sdp: string, opts: OpusOptions): string {
  const { eol, session, media } = splitSdp(sdp);
  const wanted = opusParameters(opts);
  for (const section of media) {
    if (!section.lines[0]?.startsWith('m=audio')) continue;
    const payloadTypes = section.lines
      .map((l) => /^a=rtpmap:(\d+) opus\/48000/i.exec(l)?.[1])
      .filter((pt): pt is string => pt !== undefined);
    for (const pt of payloadTypes) {
      const prefix = `a=fmtp:${pt} `;
      const at = section.lines.findIndex((l) => l.startsWith(prefix));
      const existing = at < 0 ? [] : parseFmtp(section.lines[at]!.slice(prefix.length));
      const merged = new Map(existing);
      for (const [k, v] of Object.entries(wanted)) merged.set(k, v);
      const line = prefix + [...merged].map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(';');
      if (at >= 0) section.lines[at] = line;
      else {
        const rtpmap = section.lines.findIndex((l) => l.startsWith(`a=rtpmap:${pt} `));
        section.lines.splice(rtpmap + 1, 0, line);
      }
    }
  }
  return joinSdp(eol, session, media);
}

/**
 * Caps what the other side sends me on video: b=AS (kbps) and b=TIAS (bps) right after the
 * section's c= line, replacing any earlier ones. `undefined` removes a cap.
 */
export function applyReceiveCap(sdp: string, kbps: number | undefined): string {
  const { eol, session, media } = splitSdp(sdp);
  for (const section of media) {
    if (!section.lines[0]?.startsWith('m=video')) continue;
    section.lines = section.lines.filter((l) => !l.startsWith('b=AS:') && !l.startsWith('b=TIAS:'));
    if (kbps === undefined) continue;
    const value = Math.max(1, Math.round(kbps));
    // RFC 4566 order: m=, i=, c=, b=. Insert after c= (or after m=/i= when c= is session-level).
    let at = section.lines.findIndex((l) => l.startsWith('c='));
    if (at < 0) at = section.lines[1]?.startsWith('i=') ? 1 : 0;
    section.lines.splice(at + 1, 0, `b=AS:${value}`, `b=TIAS:${value * 1000}`);
  }
  return joinSdp(eol, session, media);
}
