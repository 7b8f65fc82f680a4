/**
 * The participants panel's order: raised hands first, in the order they went up (queue place
 * 1, 2, 3...), then everyone else in the order given, which is join order.
 */
export function orderPeople<T extends { hand: number | null }>(people: readonly T[]): T[] {
  const raised = people.filter((p) => p.hand != null).sort((a, b) => (a.hand ?? 0) - (b.hand ?? 0));
  return [...raised, ...people.filter((p) => p.hand == null)];
}
