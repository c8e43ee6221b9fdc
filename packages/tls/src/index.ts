export {
  DEFAULT_LIFETIMES,
  DEFAULT_SERVER_HOSTS,
  type DevCertificateLifetimes,
  type DevCertificates,
  type DevIdentity,
  type EnsureDevCertificatesOptions,
  ensureDevCertificates,
} from './dev-certificates.js';
export { identitiesInSubjectAltName, OPERATOR_TOOLS_IDENTITY, spiffeId, TRUST_DOMAIN } from './identity.js';
export { type IssuedPem, issueCa, issueLeaf, type LeafRequest, type Validity } from './issue.js';
export { type MtlsRequestOptions, type MtlsResponse, mtlsRequest } from './mtls-request.js';
export { peerIdentity, peerIs } from './peer-identity.js';
export {
  mtlsClientOptions,
  mtlsServerOptions,
  readTlsMaterial,
  serverIdentityCheck,
  type TlsFiles,
  type TlsMaterial,
} from './tls-material.js';
