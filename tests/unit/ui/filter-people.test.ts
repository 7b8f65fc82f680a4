import { describe, expect, it } from 'vitest';
import { filterPeople, foldForSearch } from '../../../src/ui/filter-people';

const people = (...names: string[]) => names.map((name, i) => ({ peerId: `p${i}`, name }));
const names = (list: { name: string }[]) => list.map((p) => p.name);

describe('filterPeople', () => {
  const room = people('Anakin', 'Beatrice', 'Çiğdem', 'Zoë Ångström', 'Ömer', 'Straße', 'ΟΔΥΣΣΕΥΣ', 'İpek', '李小龍', 'Dana 🦄', 'bea');

  it('an empty or blank query keeps everyone, in order', () => {
    expect(names(filterPeople(room, ''))).toEqual(names(room));
    expect(names(filterPeople(room, '   '))).toEqual(names(room));
  });

  it('matches anywhere in the name, ignoring case', () => {
    expect(names(filterPeople(room, 'BEA'))).toEqual(['Beatrice', 'bea']);
    expect(names(filterPeople(room, 'trice'))).toEqual(['Beatrice']);
  });

  it('non-ASCII case: Ö/ö, Σ/σ/ς, ß/SS, İ/i', () => {
    expect(names(filterPeople(room, 'ömer'))).toEqual(['Ömer']);
    expect(names(filterPeople(room, 'οδυσσευς'))).toEqual(['ΟΔΥΣΣΕΥΣ']);
    expect(names(filterPeople(room, 'STRASSE'))).toEqual(['Straße']);
    expect(names(filterPeople(room, 'ipek'))).toEqual(['İpek']);
  });

  it('accents are optional: "zoe angstrom" and "cig" find the accented names', () => {
    expect(names(filterPeople(room, 'zoe angstrom'))).toEqual(['Zoë Ångström']);
    expect(names(filterPeople(room, 'cig'))).toEqual(['Çiğdem']);
    // Typed with the accents, too.
    expect(names(filterPeople(room, 'ÇİĞ'))).toEqual(['Çiğdem']);
  });

  it('composed and decomposed forms of the same letter match each other', () => {
    const decomposed = people('Zoe\u0308'); // e + combining diaeresis
    expect(names(filterPeople(decomposed, 'Zo\u00eb'))).toEqual(['Zoe\u0308']);
    expect(names(filterPeople(people('Zo\u00eb'), 'zoe\u0308'))).toEqual(['Zo\u00eb']);
  });

  it('CJK, emoji and astral characters match as themselves', () => {
    expect(names(filterPeople(room, '小龍'))).toEqual(['李小龍']);
    expect(names(filterPeople(room, '🦄'))).toEqual(['Dana 🦄']);
  });

  it('marks that are vowels in their script are kept (no over-matching in Devanagari)', () => {
    const hindi = people('किरण', 'करण');
    expect(names(filterPeople(hindi, 'किर'))).toEqual(['किरण']);
  });

  it('RegExp syntax in the query is plain text', () => {
    expect(filterPeople(room, '.*')).toEqual([]);
    expect(names(filterPeople(people('a(b', 'ab'), 'a('))).toEqual(['a(b']);
    expect(() => filterPeople(room, '[(')).not.toThrow();
  });

  it('nobody matching gives an empty list', () => {
    expect(filterPeople(room, 'zzz')).toEqual([]);
  });

  it('keeps the objects themselves (the panel keys rows by them)', () => {
    expect(filterPeople(room, 'anakin')[0]).toBe(room[0]);
  });
});

describe('foldForSearch', () => {
  it('folds compatibility forms and whitespace', () => {
    expect(foldForSearch('\uFB01ona')).toBe('fiona'); // ﬁ ligature
    expect(foldForSearch('ＡＮＡ')).toBe('ana'); // full-width
    expect(foldForSearch('  Mary\u00a0 Ann  ')).toBe('mary ann');
  });
});
