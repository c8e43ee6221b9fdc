import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIFETIMES, ensureDevCertificates } from './dev-certificates.js';

const IDENTITIES = [
  { name: 'gateway', server: true },
  { name: 'order', server: true },
  { name: 'operator-tools', server: false },
];
const DAY_MS = 24 * 60 * 60 * 1000;

describe('development certificates', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ordo-tls-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('when a directory is empty, then a CA and a certificate per identity are made: names in the certificate, keys readable by the owner only', async () => {
    const made = await ensureDevCertificates({ dir, identities: IDENTITIES });
    expect(made.issued).toEqual(['ca', 'gateway', 'order', 'operator-tools']);

    const ca = new X509Certificate(await readFile(made.caFile));
    expect(ca.ca).toBe(true);
    const gateway = new X509Certificate(await readFile(made.files.gateway!.certFile));
    expect(gateway.checkIssued(ca) && gateway.verify(ca.publicKey)).toBe(true);
    expect(gateway.subject).toContain('CN=gateway');
    expect(gateway.subjectAltName).toContain('URI:spiffe://ordo/gateway');
    expect(gateway.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(gateway.subjectAltName).toContain('DNS:localhost');
    expect(gateway.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    const tools = new X509Certificate(await readFile(made.files['operator-tools']!.certFile));
    expect(tools.subjectAltName).toBe('URI:spiffe://ordo/operator-tools');
    expect(tools.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    const lifetime = new Date(gateway.validTo).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan((DEFAULT_LIFETIMES.leafDays - 1) * DAY_MS);
    expect(lifetime).toBeLessThanOrEqual(DEFAULT_LIFETIMES.leafDays * DAY_MS);

    for (const files of Object.values(made.files)) {
      expect((await stat(files.keyFile)).mode & 0o777, files.keyFile).toBe(0o600);
    }
    expect((await stat(join(dir, 'ca.key'))).mode & 0o777).toBe(0o600);
  });

  it('when they are made again, then valid certificates are kept, and a missing, damaged or expiring one is issued again', async () => {
    const before = await readFile(join(dir, 'order.crt'), 'utf8');
    expect((await ensureDevCertificates({ dir, identities: IDENTITIES })).issued).toEqual([]);
    expect(await readFile(join(dir, 'order.crt'), 'utf8')).toBe(before);

    await rm(join(dir, 'gateway.key'));
    await writeFile(join(dir, 'order.crt'), 'not a certificate');
    expect((await ensureDevCertificates({ dir, identities: IDENTITIES })).issued).toEqual(['gateway', 'order']);

    // 70 days on, 20 are left of 90: inside the 30-day renewal margin, while the CA has years.
    const later = () => new Date(Date.now() + 70 * DAY_MS);
    const renewed = await ensureDevCertificates({ dir, identities: IDENTITIES, now: later });
    expect(renewed.issued).toEqual(['gateway', 'order', 'operator-tools']);
  });

  it('when the CA is close to its end, then it is replaced and every certificate with it', async () => {
    const ca = await readFile(join(dir, 'ca.crt'), 'utf8');
    const nearEnd = () => new Date(Date.now() + (DEFAULT_LIFETIMES.caDays - 100) * DAY_MS);
    const made = await ensureDevCertificates({ dir, identities: IDENTITIES, now: nearEnd });
    expect(made.issued).toEqual(['ca', 'gateway', 'order', 'operator-tools']);
    expect(await readFile(join(dir, 'ca.crt'), 'utf8')).not.toBe(ca);
  });
});
