/**
 * A `performance.mark` per milestone, once per page: the join benchmark reads them to say
 * where the time goes (config, media, signalling, negotiation, verification, first key).
 * Once only, so a long call does not grow the performance timeline.
 */
const seen = new Set<string>();

export function markOnce(name: string): void {
  if (seen.has(name) || typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  seen.add(name);
  performance.mark(`lunar:${name}`);
}
