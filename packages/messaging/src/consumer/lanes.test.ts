import { describe, expect, it } from 'vitest';
import type { Delivery } from '../transport.port.js';
import { lanesByKey, packLanes } from './lanes.js';

const d = (key: string, position: number) =>
  ({ message: { key, id: `${key}${position}`, headers: {} }, position }) as unknown as Delivery;
const ids = (chunks: Delivery[][]) => chunks.map((c) => c.map((x) => x.message.id));

describe('lanes', () => {
  it('when a batch holds several keys, then each lane holds one key in position order', () => {
    const lanes = lanesByKey([d('a', 3), d('b', 2), d('a', 1)], true);
    expect(ids(lanes)).toEqual([['a1', 'a3'], ['b2']]);
  });

  it('when deliveries carry a seq header, then a lane is ordered by seq even against position', () => {
    const withSeq = (key: string, position: number, seq: number) =>
      ({ message: { key, id: `${key}${seq}`, headers: { 'ordo-seq': String(seq) } }, position }) as unknown as Delivery;
    expect(ids(lanesByKey([withSeq('a', 1, 2), withSeq('a', 2, 1)], true))).toEqual([['a1', 'a2']]);
  });

  it('when order does not matter, then every delivery is a lane of its own', () => {
    expect(ids(lanesByKey([d('a', 3), d('a', 1)], false))).toEqual([['a3'], ['a1']]);
  });

  it('when packing with size 1, then every chunk is one delivery', () => {
    expect(ids(packLanes([[d('a', 1), d('a', 2)], [d('b', 3)]], 1))).toEqual([['a1'], ['a2'], ['b3']]);
  });

  it('when packing with a larger size, then lanes share chunks and long lanes are cut', () => {
    const lanes = [[d('a', 1), d('a', 2), d('a', 3)], [d('b', 4)], [d('c', 5)]];
    expect(ids(packLanes(lanes, 2))).toEqual([['a1', 'a2'], ['a3', 'b4'], ['c5']]);
  });
});
