import { describe, expect, it } from 'vitest';
import { safeHttpUrl, splitChatLinks } from '../../../src/room-state/chat-links';

describe('splitChatLinks', () => {
  it('keeps plain text as one segment', () => {
    expect(splitChatLinks('hello <b>there</b>')).toEqual([{ kind: 'text', text: 'hello <b>there</b>' }]);
  });

  it('finds http(s) links and leaves sentence punctuation outside', () => {
    expect(splitChatLinks('see https://example.org/a?b=1, then http://x.test.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never turns other schemes into links', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<script>x</script>', 'file:///etc/passwd']) {
      expect(splitChatLinks(text).every((s) => s.kind === 'text')).toBe(true);
    }
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('https://ok.test/')).toBe('https://ok.test/');
  });

  it('keeps a quote-breaking attempt out of the link', () => {
    const segs = splitChatLinks('https://a.test/"onmouseover="x');
    expect(segs[0]).toEqual({ kind: 'link', text: 'https://a.test/', href: 'https://a.test/' });
    expect(segs.map((s) => s.text).join('')).toBe('https://a.test/"onmouseover="x');
  });
});
