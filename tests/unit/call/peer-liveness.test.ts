import { describe, expect, it } from 'vitest';
import { ANNOUNCE_EVERY_MS, announcePace, CONNECT_TIMEOUT_MS, GONE_CONFIRM_MS, PRESENCE_TIMEOUT_MS, SILENCE_TIMEOUT_MS, iceAlive, judgeGoneReport, judgeSession, type SessionFacts } from '../../../src/call/peer-liveness';

const T = 1_000_000;
const connected = (over: Partial<SessionFacts> = {}): SessionFacts => ({ everConnected: true, lastHeardAt: T, transportAlive: false, initiator: true, failed: false, startedAt: T - 60_000, ...over });
const neverConnected = (over: Partial<SessionFacts> = {}): SessionFacts => connected({ everConnected: false, lastHeardAt: T - 60_000, ...over });

describe('judgeGoneReport (the relay says the peer\'s socket closed)', () => {
  it('ignores a peer with no report, and drops the report of one heard since', () => {
    expect(judgeGoneReport(undefined, T, T + 10_000, false)).toBe('none');
    expect(judgeGoneReport(T, T + 1, T + 10_000, false)).toBe('heard-since');
  });

  it('waits GONE_CONFIRM_MS, then calls it gone', () => {
    expect(judgeGoneReport(T, T - 5, T + GONE_CONFIRM_MS - 1, false)).toBe('wait');
    expect(judgeGoneReport(T, T - 5, T + GONE_CONFIRM_MS, false)).toBe('gone');
  });

  it('in a tree leaves it to the silence rules (the repair is under way)', () => {
    expect(judgeGoneReport(T, T - 5, T + 60_000, true)).toBe('wait');
  });
});

describe('judgeSession', () => {
  it('keeps a connected peer heard lately, drops one alone gone quiet', () => {
    expect(judgeSession(connected(), T, T + SILENCE_TIMEOUT_MS, T + SILENCE_TIMEOUT_MS)).toBe('keep');
    // Others were heard just now; this one has been quiet past the window.
    expect(judgeSession(connected(), T, T + SILENCE_TIMEOUT_MS + 1, T + SILENCE_TIMEOUT_MS + 1)).toBe('silent');
  });

  it('keeps a quiet peer whose ICE still receives, up to the long limit', () => {
    expect(judgeSession(connected({ transportAlive: true }), T, T + 20_000, T + 20_000)).toBe('keep');
    expect(judgeSession(connected({ transportAlive: true }), T, T + 25_001, T + 25_001)).toBe('silent');
  });

  it('forgets a peer never reached whose announces stopped', () => {
    expect(judgeSession(neverConnected(), T, T + PRESENCE_TIMEOUT_MS, null)).toBe('keep');
    expect(judgeSession(neverConnected(), T, T + PRESENCE_TIMEOUT_MS + 1, null)).toBe('never-connected');
    // No member record: nothing to judge it by.
    expect(judgeSession(neverConnected(), undefined, T + 10 * PRESENCE_TIMEOUT_MS, null)).toBe('keep');
    // A large room announces slower and waits longer (announcePace).
    const { presenceTimeoutMs } = announcePace(256);
    expect(judgeSession(neverConnected(), T, T + PRESENCE_TIMEOUT_MS + 1, null, presenceTimeoutMs)).toBe('keep');
    expect(judgeSession(neverConnected(), T, T + presenceTimeoutMs + 1, null, presenceTimeoutMs)).toBe('never-connected');
  });

  it('retries a connection we offered that stayed failed, not one we answered', () => {
    const started = T;
    expect(judgeSession(neverConnected({ failed: true, startedAt: started }), T, started + CONNECT_TIMEOUT_MS, null)).toBe('keep');
    expect(judgeSession(neverConnected({ failed: true, startedAt: started }), T + CONNECT_TIMEOUT_MS, started + CONNECT_TIMEOUT_MS + 1, null)).toBe('retry');
    expect(judgeSession(neverConnected({ failed: true, startedAt: started, initiator: false }), T + CONNECT_TIMEOUT_MS, started + CONNECT_TIMEOUT_MS + 1, null)).toBe('keep');
    expect(judgeSession(neverConnected({ failed: false, startedAt: started }), T + CONNECT_TIMEOUT_MS, started + CONNECT_TIMEOUT_MS + 1, null)).toBe('keep');
  });

  it('reads ICE as alive only when connected or completed', () => {
    expect(iceAlive({ iceConnectionState: 'connected' })).toBe(true);
    expect(iceAlive({ iceConnectionState: 'completed' })).toBe(true);
    expect(iceAlive({ iceConnectionState: 'disconnected' })).toBe(false);
  });
});

describe('announcePace', () => {
  it('announces every 10 s and forgets after 30 s up to 64 members, as before', () => {
    for (const n of [2, 16, 64]) expect(announcePace(n)).toEqual({ announceMs: ANNOUNCE_EVERY_MS, presenceTimeoutMs: PRESENCE_TIMEOUT_MS });
  });

  it('slows one 10 s step per 64 members, so a page receives about as many announces a second at any size', () => {
    expect(announcePace(65).announceMs).toBe(20_000);
    expect(announcePace(256)).toEqual({ announceMs: 40_000, presenceTimeoutMs: 120_000 });
    expect(announcePace(1000)).toEqual({ announceMs: 160_000, presenceTimeoutMs: 480_000 });
    for (const n of [64, 128, 256, 512, 1000]) {
      const perPage = (n - 1) / (announcePace(n).announceMs / 1000);
      expect(perPage).toBeLessThanOrEqual(6.4);
      expect(perPage).toBeGreaterThan(5.5);
    }
  });
});
