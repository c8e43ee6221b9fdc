import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCertificates } from './dev-certificates.js';
import { mtlsRequest } from './mtls-request.js';
import { peerIdentity } from './peer-identity.js';
import { mtlsClientOptions, mtlsServerOptions, readTlsMaterial, type TlsMaterial } from './tls-material.js';

describe('mutual TLS', () => {
  let root: string;
  let server: Server;
  let url: string;
  const material: Record<'tools' | 'gateway' | 'foreign' | 'ours', TlsMaterial> = {} as never;
  let theirCa: Buffer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-mtls-'));
    const identities = [
      { name: 'order', server: true },
      { name: 'gateway', server: true },
      { name: 'operator-tools', server: false },
    ];
    const ours = await ensureDevCertificates({ dir: join(root, 'ours'), identities });
    // Another deployment's CA issuing the very same names: only the CA tells them apart.
    const theirs = await ensureDevCertificates({ dir: join(root, 'theirs'), identities });
    material.ours = await readTlsMaterial(ours.files.order!);
    material.tools = await readTlsMaterial(ours.files['operator-tools']!);
    material.gateway = await readTlsMaterial(ours.files.gateway!);
    theirCa = (await readTlsMaterial(theirs.files.order!)).ca;
    material.foreign = {
      ...(await readTlsMaterial(theirs.files['operator-tools']!)),
      ca: material.ours.ca, // it trusts our server; we must not trust it
    };
    server = createServer(mtlsServerOptions(material.ours), (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ peer: peerIdentity(req.socket as TLSSocket) ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it('when a client presents a certificate from the CA, then it is served and its identity is the one in its certificate', async () => {
    const tools = await mtlsRequest(`${url}/`, { tls: material.tools });
    expect(tools.status).toBe(200);
    expect(JSON.parse(tools.body)).toEqual({ peer: 'operator-tools' });
    const gateway = await mtlsRequest(`${url}/`, { tls: material.gateway });
    expect(JSON.parse(gateway.body)).toEqual({ peer: 'gateway' });
  });

  it('when a client speaks plain HTTP, then the server refuses it', async () => {
    await expect(mtlsRequest(url.replace('https:', 'http:'))).rejects.toThrow();
  });

  it('when a client presents a certificate from another CA, then the handshake is refused', async () => {
    await expect(mtlsRequest(`${url}/`, { tls: material.foreign })).rejects.toThrow();
  });

  it('when a client presents no certificate, then the handshake is refused', async () => {
    const noCertificate = new Promise<number>((resolve, reject) => {
      const req = request(`${url}/`, { ca: material.ours.ca, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    await expect(noCertificate).rejects.toThrow();
  });

  it('when the server is not from the CA the client trusts, then the client refuses it', async () => {
    await expect(mtlsRequest(`${url}/`, { tls: { ...material.tools, ca: theirCa } })).rejects.toThrow();
  });

  it('when the client expects another service than the certificate names, then it refuses the server', async () => {
    const asking = (expected: string) =>
      new Promise<number>((resolve, reject) => {
        const options = { ...mtlsClientOptions(material.gateway, expected), agent: false };
        const req = request(`${url}/`, options, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    await expect(asking('order')).resolves.toBe(200);
    await expect(asking('payment')).rejects.toThrow(/is not payment/);
  });
});
