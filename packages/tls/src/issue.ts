// Issues the certificates of a development CA with @peculiar/x509 on Node's WebCrypto: ECDSA
// P-256 keys, SHA-256 signatures. Pure: keys and PEM text in, PEM text out; files are elsewhere.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { spiffeId } from './identity.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
// x509 types its provider with the DOM `Crypto`, which this Node-only project does not load.
x509.cryptoProvider.set(crypto as never);

const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** A certificate and its private key, PEM-encoded (the key as PKCS#8). */
export interface IssuedPem {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return crypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}

function serialNumber(): string {
  // Positive (high bit clear), 16 random bytes: RFC 5280 wants at most 20 octets, unpredictable.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** A self-signed CA that may sign end-entity certificates only (path length 0). */
export async function issueCa(commonName: string, validity: Validity): Promise<IssuedPem> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName}, O=Ordo`,
    ...validity,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

export interface LeafRequest {
  /** The identity: CN and the URI SAN `spiffe://ordo/<name>`. */
  readonly name: string;
  /** DNS names and IP addresses a server is reached by; none for a client-only certificate. */
  readonly hosts: readonly string[];
  /** Also a TLS server certificate (every service is both a server and, the gateway, a client). */
  readonly server: boolean;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** An end-entity certificate for `request.name`, signed by the CA. */
export async function issueLeaf(ca: IssuedPem, request: LeafRequest, validity: Validity): Promise<IssuedPem> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await newKeys();
  const names: x509.JsonGeneralName[] = [
    { type: 'url', value: spiffeId(request.name) },
    ...request.hosts.map((host): x509.JsonGeneralName => ({ type: IPV4.test(host) ? 'ip' : 'dns', value: host })),
  ];
  const usages = [x509.ExtendedKeyUsage.clientAuth, ...(request.server ? [x509.ExtendedKeyUsage.serverAuth] : [])];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${request.name}, O=Ordo`,
    issuer: caCert.subject,
    ...validity,
    publicKey: keys.publicKey,
    signingKey: await importKeyPem(ca.keyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(usages, false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}
