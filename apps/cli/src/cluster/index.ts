export {
  type Cluster,
  type ClusterOptions,
  type ClusterProcess,
  deleteStreams,
  dropDatabases,
  startCluster,
} from './cluster.js';
export { freePort } from './process-wait.js';
export { checkServers, DEFAULT_SERVERS, type ServerUrls } from './server-checks.js';
