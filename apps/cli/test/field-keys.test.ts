// How each process gets its field-encryption keys (ADR 0023): `ordo serve` refuses to start a
// service that seals personal data without a key, derives only its own purposes, and the cluster
// hands each process its KEKs, never the master key.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@ordo/config';
import { generateMasterKey, Keyring, LOOKUP_PURPOSES, Purpose, parseMasterKeys, purposesOf } from '@ordo/crypto';
import type { AppError } from '@ordo/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { FieldKeyDispenser, hostKeyring, withoutMasterKeys } from '../src/host/field-keys.js';
import { serveConfigSchema } from '../src/serve/serve-config.js';
import { serveFieldKeys } from '../src/serve/serve-service.js';

const BASE = {
  DATABASE_URL: 'postgres://x@127.0.0.1/db',
  ORDO_TLS_CA: '/tls/ca.crt',
  ORDO_TLS_CERT: '/tls/s.crt',
  ORDO_TLS_KEY: '/tls/s.key',
  ORDO_PSP_URL: 'http://127.0.0.1:3199',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function issues(service: Parameters<typeof serveConfigSchema>[0], env: Record<string, string>): string[] {
  try {
    parseConfig(serveConfigSchema(service), env);
    return [];
  } catch (error) {
    const list = ((error as AppError).details?.issues as Array<{ variable: string; message: string }>) ?? [];
    // A message never carries a key's value.
    for (const issue of list) for (const value of Object.values(env)) expect(issue.message).not.toContain(value);
    return list.map((i) => i.variable);
  }
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('field keys of a process', () => {
  it('when a service that seals personal data has neither ORDO_MASTER_KEY nor ORDO_FIELD_KEYS, then it refuses to start; one without purposes needs none', () => {
    for (const service of ['order', 'delivery', 'query', 'audit'] as const) {
      expect(issues(service, BASE), service).toContain('ORDO_MASTER_KEY');
    }
    for (const service of ['restaurant', 'payment'] as const) expect(issues(service, BASE), service).toEqual([]);
    expect(issues('order', { ...BASE, ORDO_MASTER_KEY: 'not-a-key' })).toEqual(['ORDO_MASTER_KEY']);
    expect(issues('order', { ...BASE, ORDO_FIELD_KEYS: 'address:zz:abc' })).toEqual(['ORDO_FIELD_KEYS']);
  });

  it('when the gateway is given KEKs without the account lookup key, then it refuses to start; with it, it starts', () => {
    const masters = parseMasterKeys(generateMasterKey());
    const full = Keyring.fromMasterKeys(masters, purposesOf('gateway'));
    const keksOnly = full
      .serialize()
      .split(',')
      .filter((entry) => !entry.startsWith('lookup/'))
      .join(',');
    expect(issues('gateway', { ...BASE, ORDO_FIELD_KEYS: keksOnly })).toContain('ORDO_FIELD_KEYS');
    expect(issues('gateway', { ...BASE, ORDO_FIELD_KEYS: full.serialize() })).not.toContain('ORDO_FIELD_KEYS');
    const parsed = Keyring.parse(full.serialize());
    expect(parsed.lookupKeys(Purpose.Account).map((k) => k.id)).toEqual([masters[0]!.id]);
    expect(parsed.lookupKeys(Purpose.Account)[0]!.key.equals(parsed.current(Purpose.Account)!.key)).toBe(false);
  });

  it('when a process is given the master key or a full keyring, then it keeps only its own purposes', () => {
    const masterKey = generateMasterKey();
    const config = (service: Parameters<typeof serveConfigSchema>[0], env: Record<string, string>) =>
      parseConfig(serveConfigSchema(service), { ...BASE, ...env });
    const fromMaster = serveFieldKeys(config('delivery', { ORDO_MASTER_KEY: masterKey }));
    expect(fromMaster?.keyring.purposes.sort()).toEqual([Purpose.Address, Purpose.Contact]);
    const everything = new FieldKeyDispenser(
      Keyring.fromMasterKeys(
        [{ id: '0011223344556677', key: Buffer.alloc(32, 1) }],
        [Purpose.Signing, Purpose.Address],
      ),
    );
    const audit = serveFieldKeys(config('audit', { ORDO_FIELD_KEYS: everything.envOf('gateway').ORDO_FIELD_KEYS! }));
    expect(audit?.keyring.purposes).toEqual([Purpose.Signing]);
    expect(serveFieldKeys(config('payment', { ORDO_MASTER_KEY: masterKey }))).toBeUndefined();
  });

  it('when the cluster builds a process environment, then it carries that service’s KEKs only and never a master key', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ordo-field-keys-'));
    const keyring = await hostKeyring({}, dir);
    const dispenser = new FieldKeyDispenser(keyring);
    // The dev key: made once, mode 0600, reused.
    const file = join(dir, 'master-key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const key = (await readFile(file, 'utf8')).trim();
    expect((await hostKeyring({}, dir)).serialize()).toBe(keyring.serialize());
    for (const service of ['gateway', 'order', 'delivery', 'query', 'audit', 'restaurant', 'payment', 'psp-sim']) {
      const env = dispenser.envOf(service);
      const names = (env.ORDO_FIELD_KEYS ?? '')
        .split(',')
        .filter(Boolean)
        .map((e) => e.split(':')[0]!);
      const purposes = names.filter((n) => !n.startsWith('lookup/'));
      expect(purposes.sort(), service).toEqual([...purposesOf(service)].sort());
      // A lookup key (the email's keyed index) only where the service holds a purpose that has one.
      expect(names.filter((n) => n.startsWith('lookup/')).sort(), service).toEqual(
        purposesOf(service)
          .filter((p) => LOOKUP_PURPOSES.includes(p))
          .map((p) => `lookup/${p}`),
      );
      expect(JSON.stringify(env)).not.toContain(key);
    }
    expect(withoutMasterKeys({ ORDO_MASTER_KEY: key, ORDO_MASTER_KEYS_PREVIOUS: key, PATH: '/bin' })).toEqual({
      PATH: '/bin',
    });
  });
});
