// The Redis read store's view cache on the real Redis: served in process, dropped when any
// instance changes the view, emptied when its change channel is lost or the keyspace switches.
// Each test changes a view's hash behind the store's back (no script, no message) to tell a
// cached answer from one read in Redis.
import { randomUUID } from 'node:crypto';
import { deleteKeysUnder } from '@ordo/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisReadStore, type View } from '../src/index.js';
import { ViewCache } from '../src/view-cache.js';
import { uniquePrefix } from './read-store.conformance.js';

const url = process.env.ORDO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function connect(name: string): Redis {
  const redis = new Redis(url, { connectionName: name });
  closers.push(async () => redis.disconnect());
  return redis;
}

interface Doc {
  readonly label: string;
}

const set = (label: string) => () => ({ doc: { label } });

/** A store with its cache, on a prefix of the test's own (deleted afterwards). */
function cachedStore(prefix: string, name: string) {
  const subscriber = connect(`${name}-changes-${randomUUID()}`);
  const store = new RedisReadStore({ redis: connect(name), prefix, cache: { subscriber } });
  return { store, subscriber };
}

/** Called first in a test: its keys are deleted after every connection of the test is closed. */
function newPrefix(): string {
  const prefix = uniquePrefix();
  closers.push(async () => {
    const admin = new Redis(url);
    await deleteKeysUnder(admin, `${prefix}:`);
    await admin.quit();
  });
  return prefix;
}

async function label(store: RedisReadStore, key: string, fresh = false): Promise<string | undefined> {
  return (await store.get<Doc>(key, { fresh }))?.doc.label;
}

/** Rewrites the view's document in Redis without the store: only a read that reaches Redis sees it. */
async function behindTheStoresBack(prefix: string, generation: number, key: string, text: string) {
  await connect('behind').hset(`${prefix}:g${generation}:v:${key}`, 'doc', JSON.stringify({ label: text }));
}

const cacheOf = (store: RedisReadStore) => (store as unknown as { cache: ViewCache }).cache;

async function serving(store: RedisReadStore): Promise<void> {
  // The subscription is confirmed a moment after the store is made.
  await expect.poll(() => cacheOf(store).serving).toBe(true);
}

/**
 * Reads the view until it stays in the cache: the message announcing the write that made it comes
 * a moment after the write, and drops what a read in between kept.
 */
async function cached(store: RedisReadStore, key: string): Promise<void> {
  await expect
    .poll(async () => {
      await store.get(key);
      return cacheOf(store).get(key) !== undefined;
    })
    .toBe(true);
}

describe('read store view cache (Redis)', () => {
  it('when a view was read, then it is read again from the cache, and a fresh read goes to Redis', async () => {
    const prefix = newPrefix();
    const { store } = cachedStore(prefix, 'a');
    await serving(store);
    await store.apply('v', { source: 's', version: 1 }, set('one'));
    await cached(store, 'v');
    await behindTheStoresBack(prefix, 1, 'v', 'changed in Redis');
    expect(await label(store, 'v')).toBe('one');
    expect(await label(store, 'v', true)).toBe('changed in Redis');
  });

  it('when another instance changes a view, then this one reads the change', async () => {
    const prefix = newPrefix();
    const a = cachedStore(prefix, 'a').store;
    const b = cachedStore(prefix, 'b').store;
    await serving(a);
    await b.apply('v', { source: 's', version: 1 }, set('one'));
    await cached(a, 'v');
    await b.apply('v', { source: 's', version: 2 }, set('two'));
    await expect.poll(() => label(a, 'v')).toBe('two');
    // getMany goes through the same cache.
    const [view] = await a.getMany<Doc>(['v']);
    expect(view?.doc.label).toBe('two');
  });

  it('when this instance changes a view, then its next read sees the change at once', async () => {
    const prefix = newPrefix();
    const { store } = cachedStore(prefix, 'a');
    await serving(store);
    await store.apply('v', { source: 's', version: 1 }, set('one'));
    await cached(store, 'v');
    await store.apply('v', { source: 's', version: 2 }, set('two'));
    expect(await label(store, 'v')).toBe('two');
  });

  it('when a rebuild is activated, then every cached view is dropped', async () => {
    const prefix = newPrefix();
    const { store } = cachedStore(prefix, 'a');
    await serving(store);
    await store.apply('v', { source: 's', version: 1 }, set('old keyspace'));
    await cached(store, 'v');
    const generation = await store.beginGeneration();
    await generation.apply('v', { source: 's', version: 1 }, set('new keyspace'));
    expect(await generation.activate()).toEqual({ activated: true });
    await expect.poll(() => label(store, 'v')).toBe('new keyspace');
  });

  it('when the change channel is lost, then the cache is emptied and serves again once subscribed', async () => {
    const prefix = newPrefix();
    const { store, subscriber } = cachedStore(prefix, 'a');
    await serving(store);
    await store.apply('v', { source: 's', version: 1 }, set('one'));
    await cached(store, 'v');
    await behindTheStoresBack(prefix, 1, 'v', 'changed while away');
    expect(await label(store, 'v')).toBe('one');
    // Redis closes the subscriber's connection (as a restart or a network cut would).
    const admin = connect('admin');
    const clients = String(await admin.client('LIST')).split('\n');
    const id = clients
      .find((line) => line.includes(`name=${subscriber.options.connectionName} `))
      ?.match(/^id=(\d+)/)?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id as string);
    await expect.poll(() => label(store, 'v')).toBe('changed while away');
    await serving(store);
    await store.apply('v', { source: 's', version: 2 }, set('two'));
    expect(await label(store, 'v')).toBe('two');
  });
});

describe('view cache reads in flight', () => {
  const view = (label: string): View<unknown> => ({ key: 'v', doc: { label }, versions: {}, indexes: [] });

  async function subscribedCache(): Promise<ViewCache> {
    const cache = new ViewCache({ subscriber: connect('changes') }, `${uniquePrefix()}:changed`);
    await expect.poll(() => cache.serving).toBe(true);
    return cache;
  }

  it('when a read is answered with nothing changed meanwhile, then its view is kept', async () => {
    const cache = await subscribedCache();
    const fill = cache.begin('v');
    cache.finish(fill, view('read'));
    expect(cache.get('v')).toEqual(view('read'));
  });

  it('when its key changes while a read is on its way, then what it read is not kept', async () => {
    const cache = await subscribedCache();
    const fill = cache.begin('v');
    const other = cache.begin('w');
    cache.invalidate('v');
    cache.finish(fill, view('read before the change'));
    cache.finish(other, view('w'));
    expect(cache.get('v')).toBeUndefined();
    expect(cache.get('w')).toEqual(view('w'));
  });

  it('when everything is dropped while reads are on their way, then none of them is kept', async () => {
    const cache = await subscribedCache();
    const fills = ['v', 'w'].map((key) => cache.begin(key));
    cache.invalidateAll();
    for (const fill of fills) cache.finish(fill, view(fill.key));
    expect(cache.get('v')).toBeUndefined();
    expect(cache.get('w')).toBeUndefined();
  });
});
