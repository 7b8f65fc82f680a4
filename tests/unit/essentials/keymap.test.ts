import { describe, expect, it } from 'vitest';
import { INITIAL_PTT, reduceKey, releaseOnBlur, type KeyEventLike, type PttState } from '../../../src/shortcuts/keymap';

const key = (type: 'keydown' | 'keyup', k: string, o: Partial<KeyEventLike> = {}): KeyEventLike => ({
  type,
  key: k,
  code: k === ' ' ? 'Space' : `Key${k.toUpperCase()}`,
  repeat: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  editable: false,
  ...o,
});

describe('shortcuts', () => {
  it('maps M V C R W ? to their actions, case-insensitively', () => {
    const map = { m: 'toggle-mic', v: 'toggle-camera', c: 'toggle-chat', r: 'raise-hand', w: 'toggle-tile-view', '?': 'show-help', M: 'toggle-mic' };
    for (const [k, action] of Object.entries(map)) {
      const r = reduceKey(key('keydown', k), INITIAL_PTT, false);
      expect(r.action, k).toBe(action);
      expect(r.preventDefault).toBe(true);
    }
    expect(reduceKey(key('keydown', 'x'), INITIAL_PTT, false).action).toBeNull();
  });

  it('ignores typing in text fields, auto-repeat, modifier chords and key-up', () => {
    expect(reduceKey(key('keydown', 'm', { editable: true }), INITIAL_PTT, false).action).toBeNull();
    expect(reduceKey(key('keydown', 'm', { repeat: true }), INITIAL_PTT, false).action).toBeNull();
    expect(reduceKey(key('keydown', 'c', { ctrlKey: true }), INITIAL_PTT, false).action).toBeNull(); // copy
    expect(reduceKey(key('keydown', 'r', { metaKey: true }), INITIAL_PTT, false).action).toBeNull(); // reload
    expect(reduceKey(key('keyup', 'm'), INITIAL_PTT, false).action).toBeNull();
  });
});

describe('push-to-talk', () => {
  /** Runs a sequence, tracking mute like the call would, and returns the actions taken. */
  function play(events: KeyEventLike[], mutedAtStart: boolean): { actions: string[]; muted: boolean; state: PttState } {
    let state = INITIAL_PTT;
    let muted = mutedAtStart;
    const actions: string[] = [];
    for (const e of events) {
      const r = reduceKey(e, state, muted);
      state = r.state;
      if (r.action) actions.push(r.action);
      if (r.action === 'ptt-unmute') muted = false;
      if (r.action === 'ptt-mute') muted = true;
    }
    return { actions, muted, state };
  }

  it('unmutes while Space is held and mutes again on release, ignoring repeats', () => {
    const r = play([key('keydown', ' '), key('keydown', ' ', { repeat: true }), key('keydown', ' ', { repeat: true }), key('keyup', ' ')], true);
    expect(r.actions).toEqual(['ptt-unmute', 'ptt-mute']);
    expect(r.muted).toBe(true);
  });

  it('does nothing when not muted (Space must not mute an open mic)', () => {
    expect(play([key('keydown', ' '), key('keyup', ' ')], false).actions).toEqual([]);
  });

  it('does not engage from a text field, but a release there still mutes', () => {
    expect(play([key('keydown', ' ', { editable: true }), key('keyup', ' ', { editable: true })], true).actions).toEqual([]);
    expect(play([key('keydown', ' '), key('keyup', ' ', { editable: true })], true).actions).toEqual(['ptt-unmute', 'ptt-mute']);
  });

  it('a repeat-only keydown (held before focus arrived) does not unmute', () => {
    expect(play([key('keydown', ' ', { repeat: true }), key('keyup', ' ')], true).actions).toEqual([]);
  });

  it('losing focus while holding mutes again', () => {
    const held = play([key('keydown', ' ')], true);
    expect(held.state.holding).toBe(true);
    expect(releaseOnBlur(held.state).action).toBe('ptt-mute');
    expect(releaseOnBlur(INITIAL_PTT).action).toBeNull();
  });

  it('M while holding Space still toggles the mic; the release then mutes', () => {
    expect(play([key('keydown', ' '), key('keydown', 'm'), key('keyup', ' ')], true).actions).toEqual(['ptt-unmute', 'toggle-mic', 'ptt-mute']);
  });
});
