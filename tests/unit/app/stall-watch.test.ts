import { describe, expect, it } from 'vitest';
import { sameMembers, StallWatch, type HeardFrom } from '../../../src/call/stall-watch';

const MEDIA = { mediaFreshMs: 600, mediaMemoryMs: 5000, fastStallMs: 800, goneConfirmMs: 150 };

/** A fixed limit (the cap equals the floor), so only the hysteresis is at play. */
const watch = () => new StallWatch({ stallMs: 1200, maxStallMs: 1200, gapWindowMs: 20_000, holdMs: 3000, maxHoldMs: 12_000, ...MEDIA });
const heard = (peerId: string, lastHeardAt: number, everConnected = true): HeardFrom => ({ peerId, everConnected, lastHeardAt });

describe('StallWatch', () => {
  it('flags connected members silent well past the others, never ones still connecting', () => {
    const peers = [heard('quiet', 0), heard('talking', 1900), heard('connecting', 0, false), heard('edge', 800)];
    expect([...watch().check(peers, 2000)]).toEqual(['quiet']);
  });

  it('flags nobody when everyone went quiet together (our own page was starved)', () => {
    const w = watch();
    expect([...w.check([heard('a', 1000), heard('b', 1100), heard('c', 900)], 5000)]).toEqual([]);
  });

  it('keeps a member that talks again stalled for the hold, doubling with each new stall', () => {
    const w = watch();
    expect([...w.check([heard('a', 0), heard('b', 1300)], 1300)]).toEqual(['a']);
    // Heard again at 1400: held until 1400 + 3000.
    expect([...w.check([heard('a', 1400), heard('b', 1400)], 1400)]).toEqual(['a']);
    expect([...w.check([heard('a', 4300), heard('b', 4300)], 4300)]).toEqual(['a']);
    expect([...w.check([heard('a', 4400), heard('b', 4400)], 4400)]).toEqual([]);
    // The second stall holds 6 s, the third 12 s, the fourth still 12 s (the cap).
    for (const [at, hold] of [[10_000, 6000], [30_000, 12_000], [60_000, 12_000]] as const) {
      expect([...w.check([heard('a', at - 1300), heard('b', at)], at)]).toEqual(['a']);
      expect([...w.check([heard('a', at + 100), heard('b', at + 100)], at + 100)]).toEqual(['a']);
      expect([...w.check([heard('a', at + 99 + hold), heard('b', at + 99 + hold)], at + 99 + hold)]).toEqual(['a']);
      expect([...w.check([heard('a', at + 100 + hold), heard('b', at + 100 + hold)], at + 100 + hold)]).toEqual([]);
    }
  });

  it('raises the limit to 1.5 × the longest recent gap of one member, up to the cap, and lowers it as gaps age out', () => {
    const w = new StallWatch({ stallMs: 1200, maxStallMs: 5000, gapWindowMs: 10_000, holdMs: 3000, maxHoldMs: 12_000, ...MEDIA });
    // Pings every 400 ms: the limit stays at its floor.
    for (let t = 0; t <= 2000; t += 400) w.check([heard('a', t), heard('b', t)], t);
    expect(w.limit(2000)).toBe(1200);
    expect(w.strained(2000)).toBe(false);
    // b's page is starved: silent for 1.2 s while a is heard, then back. Not yet a stall...
    for (let t = 2400; t <= 3200; t += 400) expect([...w.check([heard('a', t), heard('b', 2000)], t)]).toEqual([]);
    w.check([heard('a', 3300), heard('b', 3300)], 3300);
    // ...but now the room is known to be this slow: the limit is 1.5 × 1.2 s.
    expect(w.limit(3300)).toBe(1800);
    expect(w.strained(3300)).toBe(true); // no new standby links in a room this slow
    for (let t = 3700; t <= 4900; t += 400) expect([...w.check([heard('a', t), heard('b', 3300)], t)]).toEqual([]);
    expect([...w.check([heard('a', 5300), heard('b', 3300)], 5300)]).toEqual(['b']);
    // The gaps age out of the window.
    expect(w.limit(3300 + 10_001)).toBe(1200);
    expect(w.strained(3300 + 10_001)).toBe(false);
  });

  it('follows a slower beat: the paced floor and cap apply, never below the options', () => {
    const w = new StallWatch({ stallMs: 2000, maxStallMs: 4000, gapWindowMs: 10_000, holdMs: 3000, maxHoldMs: 12_000, ...MEDIA });
    // 256 members beat every 1.6 s (src/tree/beat-pace.ts: 8 s / 16 s): a far member two
    // beats behind is no stall, five are.
    w.pace(8000, 16_000);
    expect(w.limit(0)).toBe(8000);
    expect(w.strained(0)).toBe(false);
    expect([...w.check([heard('far', 0), heard('near', 3200)], 3200)]).toEqual([]);
    expect([...w.check([heard('far', 0), heard('near', 8100)], 8100)]).toEqual(['far']);
    // A gap of 6 s (heard again) raises the limit to 1.5 × that, under the paced cap.
    const w2 = new StallWatch({ stallMs: 2000, maxStallMs: 4000, gapWindowMs: 20_000, holdMs: 3000, maxHoldMs: 12_000, ...MEDIA });
    w2.pace(8000, 16_000);
    w2.check([heard('a', 0), heard('b', 0)], 0);
    w2.check([heard('a', 0), heard('b', 6000)], 6000);
    w2.check([heard('a', 6100), heard('b', 6100)], 6100);
    expect(w2.limit(6100)).toBe(9000);
    // Back to a small room: the options' limits again.
    w.pace(1000, 1000);
    expect(w.limit(10_000)).toBe(2000);
  });

  it('does not count our own page being starved (everyone late together) as a gap', () => {
    const w = new StallWatch({ stallMs: 1200, maxStallMs: 5000, gapWindowMs: 10_000, holdMs: 3000, maxHoldMs: 12_000, ...MEDIA });
    w.check([heard('a', 0), heard('b', 0)], 0);
    expect([...w.check([heard('a', 3000), heard('b', 3010)], 3100)]).toEqual([]);
    expect(w.limit(3100)).toBe(1200);
  });

  it('caps the limit', () => {
    const w = new StallWatch({ stallMs: 1200, maxStallMs: 5000, gapWindowMs: 10_000, holdMs: 3000, maxHoldMs: 12_000, ...MEDIA });
    for (let t = 0; t <= 4000; t += 400) w.check([heard('a', t), heard('b', 0)], t);
    w.check([heard('a', 4400), heard('b', 4400)], 4400);
    expect(w.limit(4400)).toBe(5000);
  });

  it('forgets members that left', () => {
    const w = watch();
    w.check([heard('a', 0), heard('b', 1300)], 1300);
    w.check([heard('b', 1400)], 1400);
    // Back with a fresh record: stalls again from scratch, with the first (shortest) hold.
    expect([...w.check([heard('a', 1500), heard('b', 2800)], 2800)]).toEqual(['a']);
    expect([...w.check([heard('a', 2900), heard('b', 2900)], 2900)]).toEqual(['a']);
    expect([...w.check([heard('a', 5900), heard('b', 5900)], 5900)]).toEqual([]);
  });

  it('compares sets by members', () => {
    expect(sameMembers(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(true);
    expect(sameMembers(new Set(['a']), new Set(['a', 'b']))).toBe(false);
    expect(sameMembers(new Set(), new Set())).toBe(true);
  });

  it('never stalls a parent whose frames still arrive, however late its pings (a starved main thread)', () => {
    const w = watch();
    const parent = (lastHeardAt: number, mediaAt: number): HeardFrom => ({ ...heard('parent', lastHeardAt), mediaAt });
    for (let t = 2000; t <= 10_000; t += 500) expect([...w.check([parent(0, t - 100), heard('b', t)], t)]).toEqual([]);
  });

  it('stalls a parent whose frames stopped while another parent\'s kept coming, after a short silence (a crash)', () => {
    const w = watch();
    const parent = (lastHeardAt: number, mediaAt: number): HeardFrom => ({ ...heard('parent', lastHeardAt), mediaAt });
    const other = (t: number): HeardFrom => ({ ...heard('b', t), mediaAt: t });
    // Crashed at 10_000: its last ping and last frame; b's frames and pings keep coming.
    expect([...w.check([parent(10_000, 10_000), other(10_500)], 10_500)]).toEqual([]);
    expect([...w.check([parent(10_000, 10_000), other(10_700)], 10_700)]).toEqual([]);
    expect([...w.check([parent(10_000, 10_000), other(10_900)], 10_900)]).toEqual(['parent']);
    // A member that is not our parent (no frames through it) waits for the usual 1.2 s limit.
    const w2 = watch();
    expect([...w2.check([heard('x', 10_000), other(10_900)], 10_900)]).toEqual([]);
    expect([...w2.check([heard('x', 10_000), other(11_300)], 11_300)]).toEqual(['x']);
  });

  it('does not take the short limit while another member is down: the parent may have been forwarding its frames', () => {
    // The eight-page test: the crashed page's relay report arrives, and a forwarder that passed
    // us the crashed page's stream stops at once and answers late while it repairs.
    const at = (now: number): HeardFrom[] => [
      { peerId: 'crashed', everConnected: true, lastHeardAt: 10_000, mediaAt: 10_000, goneAt: 10_050 },
      { peerId: 'forwarder', everConnected: true, lastHeardAt: 10_000, mediaAt: 10_000 },
      { peerId: 'b', everConnected: true, lastHeardAt: now, mediaAt: now },
    ];
    const w = watch();
    expect([...w.check(at(10_900), 10_900)]).toEqual(['crashed']);
    expect([...w.check(at(11_100), 11_100)]).toEqual(['crashed']);
    // The forwarder is judged by the usual limit (1.2 s here) instead.
    expect([...w.check(at(11_300), 11_300)]).toEqual(['crashed', 'forwarder']);
    // Without the crashed page, the same forwarder is flagged on the short limit (0.8 s).
    const alone = watch();
    expect([...alone.check(at(10_900).slice(1), 10_900)]).toEqual(['forwarder']);
  });

  it('does not take the short limit when every parent\'s frames stopped together (our page is the starved one)', () => {
    const w = watch();
    const peers = [{ ...heard('p1', 10_000), mediaAt: 10_000 }, { ...heard('p2', 10_950), mediaAt: 10_100 }];
    expect([...w.check(peers, 11_000)]).toEqual([]);
  });

  it('judges a parent whose frames stopped long ago (camera off) by the usual limit', () => {
    const w = watch();
    const parent: HeardFrom = { ...heard('parent', 10_000), mediaAt: 2000 };
    expect([...w.check([parent, heard('b', 10_900)], 10_900)]).toEqual([]);
    expect([...w.check([parent, heard('b', 11_300)], 11_300)]).toEqual(['parent']);
  });

  describe('the relay reports a member gone (its signalling socket closed)', () => {
    it('stalls it goneConfirmMs after the report when nothing came since, long before any silence rule', () => {
      const w = watch();
      // A crashed parent: last ping at 900, frames until 1000, the report at 1010.
      const at = (now: number): HeardFrom[] => [{ peerId: 'p', everConnected: true, lastHeardAt: 900, mediaAt: 1000, goneAt: 1010 }, { peerId: 'q', everConnected: true, lastHeardAt: now, mediaAt: now }];
      expect([...w.check(at(1100), 1100)]).toEqual([]);
      expect([...w.check(at(1160), 1160)]).toEqual(['p']);
      expect(w.stalls['relay-gone']).toBe(1);
      // Later the ordinary rule agrees: still one stall, now held like any other.
      expect([...w.check(at(2000), 2000)]).toEqual(['p']);
      expect(w.stalls['relay-gone'] + w.stalls.silent + w.stalls['frames-stopped']).toBe(1);
    });

    it('does not stall a parent whose frames still come, nor a member heard well after the report', () => {
      const w = watch();
      const parent: HeardFrom = { peerId: 'p', everConnected: true, lastHeardAt: 900, mediaAt: 1250, goneAt: 1010 };
      const member: HeardFrom = { peerId: 'm', everConnected: true, lastHeardAt: 1200, goneAt: 1010 };
      expect([...w.check([parent, member, heard('q', 1300)], 1300)]).toEqual([]);
      expect(w.stalls['relay-gone']).toBe(0);
    });

    it('judges the report on when the last frame came, not when a late poll saw it', () => {
      // A starved orphan's poll, read at 1250, showed frames that came at 1000, before the report at 1010.
      const w = watch();
      const parent: HeardFrom = { peerId: 'p', everConnected: true, lastHeardAt: 900, mediaAt: 1250, frameAt: 1000, goneAt: 1010 };
      expect([...w.check([parent, heard('q', 1300)], 1300)]).toEqual(['p']);
      expect(w.stalls['relay-gone']).toBe(1);
    });

    it('a word read just after the report (within goneConfirmMs) was sent before it, and does not void it', () => {
      // The eight-page test: a busy page read the crashed member's last pings 1–104 ms after its GONE.
      const w = watch();
      const member: HeardFrom = { peerId: 'm', everConnected: true, lastHeardAt: 1110, goneAt: 1010 };
      expect([...w.check([member, heard('q', 1300)], 1300)]).toEqual(['m']);
      expect(w.stalls['relay-gone']).toBe(1);
    });

    it('judges a parent at once on a look asked after the report: its frames had stopped', () => {
      // The eight-page test: the crash at 1000, its report at 1300, our look at 1305.
      const w = watch();
      const parent: HeardFrom = { peerId: 'p', everConnected: true, lastHeardAt: 900, mediaAt: 1200, frameAt: 1000, mediaAskedAt: 1305, goneAt: 1300 };
      expect([...w.check([parent, heard('q', 1310)], 1310)]).toEqual(['p']);
      expect(w.stalls['relay-gone']).toBe(1);
    });

    it('keeps a parent whose frames that look saw still coming, until a later look sees them stop', () => {
      // Its signalling socket dropped; its page and its frames did not.
      const w = watch();
      const p = (frameAt: number, mediaAskedAt: number): HeardFrom => ({ peerId: 'p', everConnected: true, lastHeardAt: 900, mediaAt: mediaAskedAt, frameAt, mediaAskedAt, goneAt: 1000 });
      expect([...w.check([p(990, 1005), heard('q', 1010)], 1010)]).toEqual([]);
      // Without a newer look the old one still speaks, however long after the report.
      expect([...w.check([p(990, 1005), heard('q', 1200)], 1200)]).toEqual([]);
      // A look at 1205 finds no frame since 990: stalled.
      expect([...w.check([p(990, 1205), heard('q', 1210)], 1210)]).toEqual(['p']);
    });

    it('waits goneConfirmMs for a look asked before the report', () => {
      const w = watch();
      const parent: HeardFrom = { peerId: 'p', everConnected: true, lastHeardAt: 900, mediaAt: 1000, frameAt: 950, mediaAskedAt: 1000, goneAt: 1010 };
      expect([...w.check([parent, heard('q', 1100)], 1100)]).toEqual([]);
      expect([...w.check([parent, heard('q', 1165)], 1165)]).toEqual(['p']);
    });

    it('lets a member stalled on the report alone go at once when it is heard again (no hold)', () => {
      const w = watch();
      expect([...w.check([{ peerId: 'm', everConnected: true, lastHeardAt: 900, goneAt: 1000 }, heard('q', 1200)], 1200)]).toEqual(['m']);
      // Its socket dropped but the page lives: its next ping lets it go.
      expect([...w.check([heard('m', 1300), heard('q', 1300)], 1300)]).toEqual([]);
      // And a later real stall is its first (the hold is 3 s, not 6 s).
      expect([...w.check([heard('m', 1300), heard('q', 2600)], 2600)]).toEqual(['m']);
      expect([...w.check([heard('m', 2700), heard('q', 2700)], 2700)]).toEqual(['m']);
      expect([...w.check([heard('m', 5700), heard('q', 5700)], 5700)]).toEqual([]);
    });
  });
});
