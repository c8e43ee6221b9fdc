// What every second level must do, run against each adapter (in-process memory and Redis).
// `open` gives two instances' views of one shared level, as two processes would have.
import { describe, expect, it } from 'vitest';
import type { Invalidation, SecondLevel } from './shared-cache.port.js';

export interface SecondLevelFixture {
  /** Two views of one shared level (two processes' worth), fresh for each test. */
  open(): Promise<{ a: SecondLevel; b: SecondLevel; close(): Promise<void> }>;
}

export function secondLevelConformance(name: string, fixture: SecondLevelFixture): void {
  describe(`second level conformance: ${name}`, () => {
    const withLevels = async (test: (a: SecondLevel, b: SecondLevel) => Promise<void>) => {
      const { a, b, close } = await fixture.open();
      try {
        await test(a, b);
      } finally {
        await close();
      }
    };

    it('when an entry is written by one instance, then the other reads it, until its TTL runs out', () =>
      withLevels(async (a, b) => {
        expect((await b.shared.read('k')).entry).toBeUndefined();
        const { generation } = await a.shared.read('k');
        expect(await a.shared.write('k', 'one', 60_000, generation)).toBe(true);
        expect((await b.shared.read('k')).entry).toBe('one');
        expect(await a.shared.write('short', 'two', 30, generation)).toBe(true);
        await expect.poll(async () => (await b.shared.read('short')).entry, { interval: 10 }).toBeUndefined();
      }));

    it('when a key is invalidated after a loader read it, then the loader’s write is refused and nothing is stored', () =>
      withLevels(async (a, b) => {
        const before = await a.shared.read('k');
        await b.shared.invalidate(['k']);
        expect(await a.shared.write('k', 'old', 60_000, before.generation)).toBe(false);
        expect((await a.shared.read('k')).entry).toBeUndefined();
        const after = await a.shared.read('k');
        expect(await a.shared.write('k', 'new', 60_000, after.generation)).toBe(true);
        expect((await b.shared.read('k')).entry).toBe('new');
      }));

    it('when a stored key is invalidated, then no instance reads it any more', () =>
      withLevels(async (a, b) => {
        await a.shared.write('k1', 'x', 60_000, (await a.shared.read('k1')).generation);
        await a.shared.write('k2', 'y', 60_000, (await a.shared.read('k2')).generation);
        await b.shared.invalidate(['k1', 'k2']);
        expect((await a.shared.read('k1')).entry).toBeUndefined();
        expect((await a.shared.read('k2')).entry).toBeUndefined();
      }));

    it('when one instance holds the lease on a key, then another is refused until it is released or runs out', () =>
      withLevels(async (a, b) => {
        if (!a.shared.lease || !b.shared.lease) return;
        const held = await a.shared.lease('k', 60_000);
        expect(held).toBeDefined();
        expect(await b.shared.lease('k', 60_000)).toBeUndefined();
        await held?.release();
        const next = await b.shared.lease('k', 30);
        expect(next).toBeDefined();
        // A stale holder's release must not free a lease someone else holds now.
        await held?.release();
        expect(await a.shared.lease('k', 60_000)).toBeUndefined();
        await expect.poll(async () => (await a.shared.lease?.('k', 60_000)) !== undefined, { interval: 10 }).toBe(true);
      }));

    it('when a key being loaded is invalidated, then its lease is free for a load of the new data', () =>
      withLevels(async (a, b) => {
        if (!a.shared.lease || !b.shared.lease) return;
        const held = await a.shared.lease('k', 60_000);
        expect(held).toBeDefined();
        await b.shared.invalidate(['k']);
        const fresh = await b.shared.lease('k', 60_000);
        expect(fresh).toBeDefined();
        await held?.release();
        expect(await a.shared.lease('k', 60_000)).toBeUndefined();
        await fresh?.release();
      }));

    it('when one instance publishes invalidations, then the other hears them and the publisher does not', () =>
      withLevels(async (a, b) => {
        const heardByA: Invalidation[] = [];
        const heardByB: Invalidation[] = [];
        const stopA = await a.invalidations.subscribe((m) => heardByA.push(m));
        const stopB = await b.invalidations.subscribe((m) => heardByB.push(m));
        await a.invalidations.publish(['menu:r-1', 'list:all']);
        await expect.poll(() => heardByB).toEqual([{ kind: 'keys', keys: ['menu:r-1', 'list:all'] }]);
        await stopB();
        await a.invalidations.publish(['menu:r-2']);
        await b.invalidations.publish(['menu:r-3']);
        await expect.poll(() => heardByA).toEqual([{ kind: 'keys', keys: ['menu:r-3'] }]);
        expect(heardByB).toHaveLength(1);
        await stopA();
      }));
  });
}
