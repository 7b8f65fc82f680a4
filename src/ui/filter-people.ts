/**
 * The participants panel's search: a display name matches when it contains the query, ignoring
 * case and accents, with Unicode equivalents treated as equal. Names come from other people's
 * browsers, so they are any Unicode at all; the query is never turned into a RegExp.
 */

/**
 * A string reduced for comparison: case folded (ß → ss, Σ/σ/ς → σ, İ/ı → i), compatibility
 * forms unified (ﬁ → fi, full-width letters, NBSP), Latin/Greek/Cyrillic accents dropped (so
 * "zoe" finds "Zoë": people often cannot type the accents in someone else's name), runs of
 * whitespace collapsed. Only the Combining Diacritical Marks block is dropped: in scripts like
 * Devanagari or Thai the marks are vowels, and dropping them would match different names.
 */
export function foldForSearch(text: string): string {
  return (
    text
      // Upper then lower gets the full case mappings that toLowerCase alone misses (ß, ǰ, ﬀ).
      .toUpperCase()
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      // Final sigma is only a spelling of σ at a word's end.
      .replace(/ς/g, 'σ')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}

/** The people whose name contains the query, in the order given. An empty query keeps everyone. */
export function filterPeople<T extends { name: string }>(people: readonly T[], query: string): T[] {
  const q = foldForSearch(query);
  if (q === '') return [...people];
  return people.filter((p) => foldForSearch(p.name).includes(q));
}
