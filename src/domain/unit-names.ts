/**
 * Finds the unit a person means by a code or a name, full or short: `health`, `县卫健委`, `卫健委`,
 * `青松镇`. Pure; the caller passes the active units.
 */
export interface NamedUnit {
  code: string;
  name: string;
}

export type UnitMatch<U extends NamedUnit> = { kind: 'found'; unit: U } | { kind: 'ambiguous'; candidates: U[] } | { kind: 'none' };

const PARENTHESES = /[（(][^）)]*[）)]/g;

function normalise(text: string): string {
  return text.replace(/[\s\u3000]/g, '').toLowerCase();
}

/** The forms people use for a unit: full name, without the bracketed part, without 县/县委, without 人民政府. */
function namesOf(unit: NamedUnit): string[] {
  const full = normalise(unit.name);
  const names = new Set([full, full.replace(PARENTHESES, '')]);
  for (const name of [...names]) {
    names.add(name.replace(/人民政府$/, ''));
    names.add(name.replace(/^县委?/, ''));
    names.add(name.replace(/^县委?/, '').replace(/人民政府$/, ''));
  }
  for (const inner of unit.name.matchAll(/[（(]([^）)]+)[）)]/g)) names.add(normalise(inner[1]!));
  names.delete('');
  return [...names];
}

export function matchUnit<U extends NamedUnit>(units: readonly U[], query: string): UnitMatch<U> {
  const wanted = normalise(query);
  if (!wanted) return { kind: 'none' };
  const byCode = units.find((unit) => unit.code.toLowerCase() === wanted);
  if (byCode) return { kind: 'found', unit: byCode };
  const exact = units.filter((unit) => namesOf(unit).includes(wanted) || namesOf(unit).includes(wanted.replace(/^县委?/, '')));
  if (exact.length === 1) return { kind: 'found', unit: exact[0]! };
  if (exact.length > 1) return { kind: 'ambiguous', candidates: exact };
  // A part of a name, at least two characters: 卫健 → 县卫健委.
  const partial = wanted.length >= 2 ? units.filter((unit) => normalise(unit.name).includes(wanted)) : [];
  if (partial.length === 1) return { kind: 'found', unit: partial[0]! };
  return partial.length > 1 ? { kind: 'ambiguous', candidates: partial } : { kind: 'none' };
}
