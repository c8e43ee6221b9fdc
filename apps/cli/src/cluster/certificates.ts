// The certificates of the distributed shape on one machine: a development CA, one certificate per
// Ordo process (server and client), and one for operators' tools (client only). `ordo certs`
// makes them; `ordo cluster up` does at every start, and keeps the ones still good (ADR 0024).
import { join } from 'node:path';
import {
  type DevCertificates,
  type DevIdentity,
  ensureDevCertificates,
  OPERATOR_TOOLS_IDENTITY,
  type TlsFiles,
} from '@ordo/tls';
import { BUSINESS_SERVICES } from '../host/service-catalog.js';

/** The processes that speak mutual TLS (the PSP stand-in is a third party: not one of them). */
export const TLS_SERVICES = ['gateway', ...BUSINESS_SERVICES] as const;
export type TlsService = (typeof TLS_SERVICES)[number];

export const CLUSTER_IDENTITIES: readonly DevIdentity[] = [
  ...TLS_SERVICES.map((name) => ({ name, server: true })),
  { name: OPERATOR_TOOLS_IDENTITY, server: false },
];

export interface ClusterCertificates extends DevCertificates {
  /** The files of operators' tools: readiness, `ordo cluster status`, the benchmark's scrapes. */
  readonly operatorTools: TlsFiles;
}

/** Where a cluster keeps them: `<stateDir>/tls`. */
export function certificatesDir(stateDir: string): string {
  return join(stateDir, 'tls');
}

export async function ensureClusterCertificates(dir: string): Promise<ClusterCertificates> {
  const certificates = await ensureDevCertificates({ dir, identities: CLUSTER_IDENTITIES });
  return { ...certificates, operatorTools: certificates.files[OPERATOR_TOOLS_IDENTITY] as TlsFiles };
}
