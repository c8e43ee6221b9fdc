// Operators' tools reach a service's own https URL with the cluster's operator certificate.

export { freePort } from '@ordo/http/free-port';
export { mtlsRequest, readTlsMaterial, type TlsFiles } from '@ordo/tls';
export { type KeyRotationReport, rotateDatabases } from '../commands/keys.command.js';
export { CLUSTER_IDENTITIES, ensureClusterCertificates, TLS_SERVICES } from './certificates.js';
export {
  type Cluster,
  type ClusterOptions,
  type ClusterProcess,
  deleteStreams,
  dropDatabases,
  startCluster,
} from './cluster.js';
export { ExitedBeforeReady, waitReady } from './process-wait.js';
export { checkServers, DEFAULT_SERVERS, type ServerUrls } from './server-checks.js';
