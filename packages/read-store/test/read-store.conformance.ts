// The read-store conformance suite: every adapter runs these cases unchanged (ADR 0012).
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApplyOutcome, InvalidCursorError, type ReadStore, RebuildInProgressError, type View } from '../src/index.js';

export interface OpenedStore {
  readonly store: ReadStore;
  /** Removes whatever the test wrote. */
  cleanup(): Promise<void>;
}

interface Doc {
  readonly events: string[];
}

/** A reducer that records which source versions it saw, so order and duplicates are visible. */
const record = (label: string, index?: { index: string; member: string }) => (current: View<Doc> | undefined) => ({
  doc: { events: [...(current?.doc.events ?? []), label] },
  indexes: index ? [index] : (current?.indexes ?? []),
});

export function defineReadStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`read-store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: ReadStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('when a view was never written, then get answers undefined', async () => {
      expect(await store.get('order:missing')).toBeUndefined();
      expect(await store.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    });

    it('when the first version of a source arrives, then the view is created with that version', async () => {
      expect(await store.apply('v', { source: 'order:1', version: 1 }, record('o1'))).toBe(ApplyOutcome.Applied);
      const view = await store.get<Doc>('v');
      expect(view).toMatchObject({ key: 'v', doc: { events: ['o1'] }, versions: { 'order:1': 1 } });
    });

    it('when a version is applied twice, then the second is stale and changes nothing', async () => {
      await store.apply('v', { source: 'order:1', version: 1 }, record('o1'));
      await store.apply('v', { source: 'order:1', version: 2 }, record('o2'));
      expect(await store.apply('v', { source: 'order:1', version: 2 }, record('again'))).toBe(ApplyOutcome.Stale);
      expect(await store.apply('v', { source: 'order:1', version: 1 }, record('older'))).toBe(ApplyOutcome.Stale);
      expect((await store.get<Doc>('v'))?.doc.events).toEqual(['o1', 'o2']);
    });

    it('when a version arrives before its predecessor, then it is a gap and the view is unchanged', async () => {
      expect(await store.apply('v', { source: 'order:1', version: 2 }, record('o2'))).toBe(ApplyOutcome.Gap);
      expect(await store.get('v')).toBeUndefined();
      await store.apply('v', { source: 'order:1', version: 1 }, record('o1'));
      expect(await store.apply('v', { source: 'order:1', version: 3 }, record('o3'))).toBe(ApplyOutcome.Gap);
      expect(await store.apply('v', { source: 'order:1', version: 2 }, record('o2'))).toBe(ApplyOutcome.Applied);
      expect(await store.apply('v', { source: 'order:1', version: 3 }, record('o3'))).toBe(ApplyOutcome.Applied);
      expect(await store.get<Doc>('v')).toMatchObject({
        doc: { events: ['o1', 'o2', 'o3'] },
        versions: { 'order:1': 3 },
      });
    });

    it('when a gap is accepted (its versions were dead-lettered), then the source jumps, never back', async () => {
      await store.apply('v', { source: 'o', version: 1 }, record('o1'));
      const jump = { acceptGap: true };
      expect(await store.apply('v', { source: 'o', version: 4 }, record('o4'), jump)).toBe(ApplyOutcome.Applied);
      expect(await store.apply('v', { source: 'o', version: 3 }, record('o3'), jump)).toBe(ApplyOutcome.Stale);
      expect(await store.apply('v', { source: 'o', version: 5 }, record('o5'))).toBe(ApplyOutcome.Applied);
      expect(await store.get<Doc>('v')).toMatchObject({ doc: { events: ['o1', 'o4', 'o5'] }, versions: { o: 5 } });
    });

    it('when several sources feed one view, then each keeps its own version', async () => {
      await store.apply('v', { source: 'order:1', version: 1 }, record('o1'));
      expect(await store.apply('v', { source: 'ticket:9', version: 1 }, record('t1'))).toBe(ApplyOutcome.Applied);
      expect(await store.apply('v', { source: 'ticket:9', version: 3 }, record('t3'))).toBe(ApplyOutcome.Gap);
      expect(await store.apply('v', { source: 'order:1', version: 2 }, record('o2'))).toBe(ApplyOutcome.Applied);
      expect(await store.get<Doc>('v')).toMatchObject({
        doc: { events: ['o1', 't1', 'o2'] },
        versions: { 'order:1': 2, 'ticket:9': 1 },
      });
    });

    it('when many writers update one view at once, then every update is kept exactly once', async () => {
      const sources = Array.from({ length: 40 }, (_, i) => `s${i}`);
      const outcomes = await Promise.all([
        ...sources.map((s) => store.apply('hot', { source: s, version: 1 }, record(s))),
        // The same changes again, concurrently: duplicates.
        ...sources.map((s) => store.apply('hot', { source: s, version: 1 }, record(s))),
      ]);
      expect(outcomes.filter((o) => o === ApplyOutcome.Applied)).toHaveLength(sources.length);
      const view = await store.get<Doc>('hot');
      expect([...(view?.doc.events ?? [])].sort()).toEqual([...sources].sort());
      expect(Object.keys(view?.versions ?? {})).toHaveLength(sources.length);
    });

    it('when views join an index, then pages list members greatest first with a cursor, to the end', async () => {
      for (let i = 1; i <= 7; i++) {
        await store.apply(
          `o${i}`,
          { source: `order:${i}`, version: 1 },
          record('p', { index: 'h:c1', member: `t0${i}` }),
        );
      }
      await store.apply('other', { source: 'order:x', version: 1 }, record('p', { index: 'h:c2', member: 't09' }));
      const first = await store.page('h:c1', { limit: 3 });
      expect(first.data).toEqual(['t07', 't06', 't05']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await store.page('h:c1', { limit: 3, cursor: first.nextCursor });
      expect(second.data).toEqual(['t04', 't03', 't02']);
      const last = await store.page('h:c1', { limit: 3, cursor: second.nextCursor });
      expect(last).toEqual({ data: ['t01'], nextCursor: null });
      expect(await store.page('h:none', { limit: 3 })).toEqual({ data: [], nextCursor: null });
    });

    it('when members are added while a client pages, then the next page neither repeats nor skips', async () => {
      for (const m of ['b', 'c', 'd'])
        await store.apply(m, { source: m, version: 1 }, record(m, { index: 'i', member: m }));
      const first = await store.page('i', { limit: 2 });
      expect(first.data).toEqual(['d', 'c']);
      await store.apply('e', { source: 'e', version: 1 }, record('e', { index: 'i', member: 'e' }));
      await store.apply('a', { source: 'a', version: 1 }, record('a', { index: 'i', member: 'a' }));
      const second = await store.page('i', { limit: 5, cursor: first.nextCursor });
      expect(second).toEqual({ data: ['b', 'a'], nextCursor: null });
    });

    it('when a view leaves an index, then it is no longer listed', async () => {
      await store.apply('v', { source: 'o', version: 1 }, record('open', { index: 'board', member: 'v' }));
      expect((await store.page('board', { limit: 10 })).data).toEqual(['v']);
      await store.apply('v', { source: 'o', version: 2 }, (current) => ({ doc: current!.doc, indexes: [] }));
      expect((await store.page('board', { limit: 10 })).data).toEqual([]);
      expect(await store.get('v')).toMatchObject({ indexes: [] });
    });

    it('when a cursor was not handed out by the store, then paging refuses it', async () => {
      await expect(store.page('i', { limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(store.page('i', { limit: 2, cursor: 'c1.***' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('when a generation is built and activated, then readers switch to it and the old one is gone', async () => {
      await store.apply('v', { source: 'o', version: 1 }, record('old-1', { index: 'i', member: 'old' }));
      const before = await store.currentGeneration();
      const next = await store.beginGeneration();
      expect(next.id).not.toBe(before);
      expect(await next.apply('v', { source: 'o', version: 1 }, record('new-1', { index: 'i', member: 'new' }))).toBe(
        ApplyOutcome.Applied,
      );
      // Readers still read the current generation.
      expect((await store.get<Doc>('v'))?.doc.events).toEqual(['old-1']);
      expect(await next.activate()).toEqual({ activated: true });
      expect(await store.currentGeneration()).toBe(next.id);
      expect((await store.get<Doc>('v'))?.doc.events).toEqual(['new-1']);
      expect((await store.page('i', { limit: 5 })).data).toEqual(['new']);
    });

    it('when live updates arrive during a rebuild, then the new generation receives them as well', async () => {
      await store.apply('v', { source: 'o', version: 1 }, record('o1'));
      const next = await store.beginGeneration();
      await next.apply('v', { source: 'o', version: 1 }, record('o1'));
      expect(await store.apply('v', { source: 'o', version: 2 }, record('o2'))).toBe(ApplyOutcome.Applied);
      // The replay reaches the same event later: a duplicate there.
      expect(await next.apply('v', { source: 'o', version: 2 }, record('o2'))).toBe(ApplyOutcome.Stale);
      expect(await next.activate()).toEqual({ activated: true });
      expect(await store.get<Doc>('v')).toMatchObject({ doc: { events: ['o1', 'o2'] }, versions: { o: 2 } });
    });

    it('when a live update finds the new generation behind, then activation waits until the replay catches up', async () => {
      await store.apply('v', { source: 'o', version: 1 }, record('o1'));
      const next = await store.beginGeneration();
      // Live o2 arrives before the replay has rebuilt o1 in the new generation.
      await store.apply('v', { source: 'o', version: 2 }, record('o2'));
      const refused = await next.activate();
      expect(refused).toEqual({ activated: false, lagging: ['v'] });
      expect((await store.get<Doc>('v'))?.doc.events).toEqual(['o1', 'o2']);
      await next.apply('v', { source: 'o', version: 1 }, record('o1'));
      await next.apply('v', { source: 'o', version: 2 }, record('o2'));
      expect(await next.activate()).toEqual({ activated: true });
      expect(await store.get<Doc>('v')).toMatchObject({ doc: { events: ['o1', 'o2'] }, versions: { o: 2 } });
    });

    it('when a rebuild is abandoned, then readers keep the current generation and a new rebuild may start', async () => {
      await store.apply('v', { source: 'o', version: 1 }, record('o1'));
      const current = await store.currentGeneration();
      const first = await store.beginGeneration();
      await expect(store.beginGeneration()).rejects.toBeInstanceOf(RebuildInProgressError);
      await first.apply('v', { source: 'o', version: 1 }, record('other'));
      await first.abandon();
      expect(await store.currentGeneration()).toBe(current);
      expect((await store.get<Doc>('v'))?.doc.events).toEqual(['o1']);
      const second = await store.beginGeneration();
      expect(second.id).not.toBe(first.id);
      await second.abandon();
    });
  });
}

/** A key prefix no other test uses. */
export function uniquePrefix(): string {
  return `ordo-test:${randomUUID()}`;
}
