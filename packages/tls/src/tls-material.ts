// What a process needs for mutual TLS (the CA it trusts, its certificate and key), read once from
// files, and the Node TLS options of a server that takes only clients with a certificate from
// that CA, and of a client that presents its own.
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions, PeerCertificate, SecureContextOptions, TlsOptions } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import { identitiesInSubjectAltName } from './identity.js';

/** Where a process's TLS files are (`ORDO_TLS_CA`, `ORDO_TLS_CERT`, `ORDO_TLS_KEY`). */
export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** The files' contents (PEM). */
export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export async function readTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  const [ca, cert, key] = await Promise.all([
    readFile(files.caFile),
    readFile(files.certFile),
    readFile(files.keyFile),
  ]);
  return { ca, cert, key };
}

const MIN_VERSION = 'TLSv1.3';

/** A server that refuses every client without a certificate from the CA (during the handshake). */
export function mtlsServerOptions(material: TlsMaterial): TlsOptions {
  return {
    ...secureContext(material),
    requestCert: true,
    rejectUnauthorized: true,
  };
}

/**
 * A client that presents its certificate and accepts only a server with a certificate from the
 * CA; with `expectedPeer`, only the server whose certificate names that identity.
 */
export function mtlsClientOptions(material: TlsMaterial, expectedPeer?: string): ConnectionOptions {
  return {
    ...secureContext(material),
    rejectUnauthorized: true,
    ...(expectedPeer ? { checkServerIdentity: serverIdentityCheck(expectedPeer) } : {}),
  };
}

function secureContext(material: TlsMaterial): SecureContextOptions {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: MIN_VERSION };
}

/** The usual host name check, then: the certificate must name `expected` (`spiffe://ordo/<expected>`). */
export function serverIdentityCheck(expected: string): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const hostError = checkServerIdentity(host, cert);
    if (hostError) return hostError;
    if (identitiesInSubjectAltName(cert.subjectaltname).includes(expected)) return undefined;
    return new Error(`the server at ${host} is not ${expected} (its certificate names ${cert.subjectaltname})`);
  };
}
