/**
 * Splits chat text into plain runs and links, so the UI can render text nodes and `<a>`
 * elements only (never HTML). A link is kept only when `new URL` parses it as http(s):
 * `javascript:`, `data:` and friends stay plain text.
 */
export type ChatSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?)\]}]+$/;

export function safeHttpUrl(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.href;
}

export function splitChatLinks(text: string): ChatSegment[] {
  const out: ChatSegment[] = [];
  let last = 0;
  const push = (t: string) => {
    if (t === '') return;
    const prev = out[out.length - 1];
    if (prev?.kind === 'text') prev.text += t;
    else out.push({ kind: 'text', text: t });
  };
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const start = match.index;
    const raw = match[0].replace(TRAILING, '');
    push(text.slice(last, start));
    const href = safeHttpUrl(raw);
    if (href) out.push({ kind: 'link', text: raw, href });
    else push(raw);
    last = start + raw.length;
  }
  push(text.slice(last));
  return out;
}
