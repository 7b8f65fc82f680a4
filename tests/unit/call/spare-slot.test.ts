import { describe, expect, it } from 'vitest';
import { SpareSlot } from '../../../src/call/spare-slot';

class Thing {
  closed = 0;
  constructor(readonly name: string) {}
  close(): void {
    this.closed++;
  }
}

function slot(maxAgeMs = 1000) {
  let t = 0;
  const s = new SpareSlot<Thing>(maxAgeMs, () => t);
  return { s, advance: (ms: number) => (t += ms) };
}

describe('SpareSlot', () => {
  it('hands out the held spare once, for the shape it was built for', () => {
    const { s } = slot();
    const a = new Thing('a');
    s.put(a, 'video');
    expect(s.take('video')).toBe(a);
    expect(s.take('video')).toBeNull();
    expect(s.current).toBeNull();
    expect(a.closed).toBe(0);
  });

  it('closes a spare built for other settings instead of handing it out', () => {
    const { s } = slot();
    const a = new Thing('a');
    s.put(a, 'video');
    expect(s.take('audio-only')).toBeNull();
    expect(a.closed).toBe(1);
    expect(s.current).toBeNull();
  });

  it('closes a spare that has grown too old', () => {
    const { s, advance } = slot(1000);
    const a = new Thing('a');
    s.put(a, 'video');
    advance(999);
    expect(s.keep('video')).toBe(true);
    advance(1);
    expect(s.keep('video')).toBe(false);
    expect(a.closed).toBe(1);
    expect(s.take('video')).toBeNull();
  });

  it('keeps a spare the caller turns down, for the next one', () => {
    const { s } = slot();
    const a = new Thing('a');
    s.put(a, 'video');
    expect(s.take('video', () => false)).toBeNull();
    expect(a.closed).toBe(0);
    expect(s.take('video', (t) => t.name === 'a')).toBe(a);
  });

  it('closes the spare it replaces, and the one held on clear', () => {
    const { s } = slot();
    const a = new Thing('a');
    const b = new Thing('b');
    s.put(a, 'video');
    s.put(b, 'video');
    expect(a.closed).toBe(1);
    s.clear();
    expect(b.closed).toBe(1);
    expect(s.current).toBeNull();
  });
});
