// `ordo certs`: a development CA and one certificate per identity in a directory, made at first
// start and kept after. A certificate is issued again only when it is missing, unreadable, not
// signed by the directory's CA, for another identity, or close to expiry; a CA close to expiry is
// replaced, and every certificate with it.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { identitiesInSubjectAltName } from './identity.js';
import { type IssuedPem, issueCa, issueLeaf } from './issue.js';
import type { TlsFiles } from './tls-material.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Lifetimes and renewal margins; the defaults suit a development machine. */
export interface DevCertificateLifetimes {
  /** The CA (default 10 years). */
  readonly caDays: number;
  /** A CA with less left than this is replaced, with every certificate (default 1 year). */
  readonly caRenewDays: number;
  /** A service's or tool's certificate (default 90 days). */
  readonly leafDays: number;
  /** A certificate with less left than this is issued again (default 30 days). */
  readonly leafRenewDays: number;
}

export const DEFAULT_LIFETIMES: DevCertificateLifetimes = {
  caDays: 3650,
  caRenewDays: 365,
  leafDays: 90,
  leafRenewDays: 30,
};

export interface DevIdentity {
  readonly name: string;
  /** A server too: its certificate also names the hosts it is reached by (`hosts` of the options). */
  readonly server: boolean;
}

export interface EnsureDevCertificatesOptions {
  readonly dir: string;
  readonly identities: readonly DevIdentity[];
  /** Names a server certificate carries (default `127.0.0.1` and `localhost`). */
  readonly hosts?: readonly string[];
  readonly lifetimes?: Partial<DevCertificateLifetimes>;
  readonly now?: () => Date;
}

export interface DevCertificates {
  /** The CA certificate every party trusts. */
  readonly caFile: string;
  /** Each identity's files (the CA file included). */
  readonly files: Readonly<Record<string, TlsFiles>>;
  /** What was (re)issued this time; `ca` for the CA. Empty when everything was kept. */
  readonly issued: readonly string[];
}

export const DEFAULT_SERVER_HOSTS: readonly string[] = ['127.0.0.1', 'localhost'];

/** The file's text, or undefined when there is none yet (any other failure is thrown). */
async function readIfAny(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

// Written beside and renamed over, so a reader never sees half a file; keys readable by the owner only.
async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

/** The certificate, when it parses, matches its key and has more than `renewDays` left. */
function usable(pem: IssuedPem | undefined, now: Date, renewDays: number): X509Certificate | undefined {
  if (!pem) return undefined;
  // A damaged file is not an error here: it is what issuing again repairs.
  try {
    const cert = new X509Certificate(pem.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(pem.keyPem))) return undefined;
    if (new Date(cert.validFrom).getTime() > now.getTime()) return undefined;
    if (new Date(cert.validTo).getTime() - now.getTime() < renewDays * DAY_MS) return undefined;
    return cert;
  } catch {
    return undefined;
  }
}

async function readPair(certFile: string, keyFile: string): Promise<IssuedPem | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfAny(certFile), readIfAny(keyFile)]);
  return certPem && keyPem ? { certPem, keyPem } : undefined;
}

async function writePair(certFile: string, keyFile: string, pem: IssuedPem): Promise<void> {
  await writeAtomic(keyFile, pem.keyPem, 0o600);
  await writeAtomic(certFile, pem.certPem, 0o644);
}

/** Whether a certificate is the CA's, for the identity, and (a server's) for every host. */
function fits(cert: X509Certificate, ca: X509Certificate, identity: DevIdentity, hosts: readonly string[]): boolean {
  const names = cert.subjectAltName?.split(', ') ?? [];
  return (
    cert.checkIssued(ca) &&
    cert.verify(ca.publicKey) &&
    identitiesInSubjectAltName(cert.subjectAltName).includes(identity.name) &&
    (!identity.server || hosts.every((host) => names.includes(`DNS:${host}`) || names.includes(`IP Address:${host}`)))
  );
}

/** Makes (or keeps) the CA and every identity's certificate in `options.dir`. */
export async function ensureDevCertificates(options: EnsureDevCertificatesOptions): Promise<DevCertificates> {
  const lifetimes = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
  const now = options.now?.() ?? new Date();
  // A little in the past: a peer whose clock is behind ours still accepts a certificate made now.
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const hosts = options.hosts ?? DEFAULT_SERVER_HOSTS;
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const issued: string[] = [];

  const caFile = join(options.dir, 'ca.crt');
  const caKeyFile = join(options.dir, 'ca.key');
  let ca = await readPair(caFile, caKeyFile);
  if (!ca || !usable(ca, now, lifetimes.caRenewDays)?.ca) {
    ca = await issueCa('Ordo development CA', {
      notBefore,
      notAfter: new Date(now.getTime() + lifetimes.caDays * DAY_MS),
    });
    await writePair(caFile, caKeyFile, ca);
    issued.push('ca');
  }
  const currentCa = new X509Certificate(ca.certPem);

  const files: Record<string, TlsFiles> = {};
  for (const identity of options.identities) {
    const certFile = join(options.dir, `${identity.name}.crt`);
    const keyFile = join(options.dir, `${identity.name}.key`);
    files[identity.name] = { caFile, certFile, keyFile };
    const cert = usable(await readPair(certFile, keyFile), now, lifetimes.leafRenewDays);
    if (cert && fits(cert, currentCa, identity, hosts)) continue;
    const leaf = await issueLeaf(
      ca,
      { name: identity.name, hosts: identity.server ? hosts : [], server: identity.server },
      { notBefore, notAfter: new Date(now.getTime() + lifetimes.leafDays * DAY_MS) },
    );
    await writePair(certFile, keyFile, leaf);
    issued.push(identity.name);
  }
  return { caFile, files, issued };
}
