import { describe, expect, it } from 'vitest';
import { orderPeople } from '../../../src/ui/order-people';

const p = (name: string, hand: number | null = null) => ({ name, hand });

describe('orderPeople', () => {
  it('raised hands first in queue order, then everyone else in join order', () => {
    const joined = [p('you'), p('a'), p('b', 2), p('c'), p('d', 1), p('e')];
    expect(orderPeople(joined).map((x) => x.name)).toEqual(['d', 'b', 'you', 'a', 'c', 'e']);
  });

  it('with no hands up, join order is kept as is', () => {
    const joined = Array.from({ length: 1000 }, (_, i) => p(`n${i}`));
    expect(orderPeople(joined).map((x) => x.name)).toEqual(joined.map((x) => x.name));
  });

  it('does not change the array it was given', () => {
    const joined = [p('a'), p('b', 1)];
    orderPeople(joined);
    expect(joined.map((x) => x.name)).toEqual(['a', 'b']);
  });
});
