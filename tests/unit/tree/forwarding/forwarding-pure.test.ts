import { describe, expect, it } from 'vitest';
import { ForwardingError } from '../../../../src/tree/forwarding/forwarding-error';
import { parseForwardOptions, streamId } from '../../../../src/tree/forwarding/forward-options';
import { KeyFrameGate, NEW_CHILD_INTERVAL_MS } from '../../../../src/tree/forwarding/key-frame-gate';
import { fnv1a32, PayloadLedger, sframeCounter } from '../../../../src/tree/forwarding/payload-ledger';
import { encodeHeader } from '../../../../src/e2ee/sframe-header';

describe('KeyFrameGate', () => {
  it('passes one request per interval and counts the rest', () => {
    const gate = new KeyFrameGate(500);
    expect([0, 100, 499, 500, 900, 1001].map((t) => gate.request(t))).toEqual([true, false, false, true, false, true]);
    expect(gate.passed).toBe(3);
    expect(gate.suppressed).toBe(3);
  });

  it("lets a new child's first request through after a short gap, so a repair's orphans wait less", () => {
    const gate = new KeyFrameGate(500);
    expect(gate.request(0)).toBe(true);
    expect(gate.request(NEW_CHILD_INTERVAL_MS - 1, true)).toBe(false);
    expect(gate.request(NEW_CHILD_INTERVAL_MS, true)).toBe(true);
    // It counts as the last request: a burst of new children costs one per short interval, and
    // the old children's requests still wait the full interval after it.
    expect(gate.request(NEW_CHILD_INTERVAL_MS + 50, true)).toBe(false);
    expect(gate.request(NEW_CHILD_INTERVAL_MS + 499)).toBe(false);
    expect(gate.request(NEW_CHILD_INTERVAL_MS + 500)).toBe(true);
  });
});

describe('PayloadLedger', () => {
  const frame = (ctr: bigint, body: number[]) => new Uint8Array([...encodeHeader({ kid: 9n, ctr }), ...body]);

  it('keys frames by their SFrame CTR and keeps the newest entries', () => {
    const ledger = new PayloadLedger(2);
    ledger.record('audio', 'opus', frame(1n, [1]), 10);
    ledger.record('audio', 'opus', frame(2n, [2]), 20);
    ledger.record('audio', 'opus', frame(300n, [3]), 30);
    const snap = ledger.snapshot();
    expect(Object.keys(snap).map(Number).sort((a, b) => a - b)).toEqual([2, 300]);
    expect(snap[300]).toEqual([fnv1a32(frame(300n, [3])), 30]);
  });

  it('reads the CTR after the VP8 clear prefix and ignores bytes without a header', () => {
    const prefix = [0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]; // bit 0 clear: a key frame, 10 clear bytes
    const bytes = new Uint8Array([...prefix, ...encodeHeader({ kid: 3n, ctr: 77n }), 0xaa]);
    expect(sframeCounter('video', 'vp8', bytes)).toBe(77);
    expect(sframeCounter('audio', 'opus', new Uint8Array([]))).toBeNull();
    const ledger = new PayloadLedger();
    ledger.record('audio', 'opus', new Uint8Array([]), 1);
    expect(ledger.snapshot()).toEqual({});
  });

  it('fnv1a32 matches the reference vectors', () => {
    expect(fnv1a32(new Uint8Array([]))).toBe(0x811c9dc5);
    expect(fnv1a32(new TextEncoder().encode('a'))).toBe(0xe40c292c);
  });
});

describe('parseForwardOptions', () => {
  it('accepts the three roles', () => {
    expect(parseForwardOptions({ role: 'receive', kind: 'video', sourceId: 'a' })).toEqual({ role: 'receive', kind: 'video', sourceId: 'a' });
    expect(parseForwardOptions({ role: 'child', kind: 'audio', sourceId: 'a', childId: 'c', extra: 1 })).toEqual({
      role: 'child',
      kind: 'audio',
      sourceId: 'a',
      childId: 'c',
    });
    expect(parseForwardOptions({ role: 'origin', kind: 'video', localId: 'me' })).toEqual({ role: 'origin', kind: 'video', localId: 'me' });
    expect(streamId('video', 'a')).toBe('video:a');
  });

  it.each([null, 'x', {}, { role: 'receive', kind: 'data', sourceId: 'a' }, { role: 'child', kind: 'audio', sourceId: 'a' }, { role: 'origin', kind: 'video', localId: '' }, { role: 'relay', kind: 'video', sourceId: 'a' }])(
    'rejects %j with a typed error',
    (raw) => {
      expect(() => parseForwardOptions(raw)).toThrow(ForwardingError);
      try {
        parseForwardOptions(raw);
      } catch (e) {
        expect((e as ForwardingError).code).toBe('invalid-message');
      }
    },
  );

  it('error codes survive a round trip as data', () => {
    expect(ForwardingError.fromData(new ForwardingError('worker-failed', 'x').toData()).code).toBe('worker-failed');
    expect(ForwardingError.fromData({ code: 'nope' }).code).toBe('invalid-message');
  });
});
