// Who a certificate speaks for: one name per Ordo process (`gateway`, `order`, …) and one for
// operators' tools, carried as a SPIFFE-style URI SAN (`spiffe://ordo/<name>`) and as the CN.

/** The trust domain of the URI SANs Ordo issues and checks. */
export const TRUST_DOMAIN = 'ordo';

/** The client identity of operators' tools (readiness probes, `ordo cluster status`, the bench). */
export const OPERATOR_TOOLS_IDENTITY = 'operator-tools';

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** `spiffe://ordo/<name>`. */
export function spiffeId(name: string): string {
  if (!NAME.test(name)) throw new Error(`'${name}' is not an identity name ([a-z][a-z0-9-]*)`);
  return `spiffe://${TRUST_DOMAIN}/${name}`;
}

/** The identity names in an X.509 `subjectAltName` string (`URI:spiffe://ordo/gateway, DNS:…`). */
export function identitiesInSubjectAltName(subjectAltName: string | undefined): string[] {
  const prefix = `URI:spiffe://${TRUST_DOMAIN}/`;
  return (subjectAltName ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(prefix))
    .map((part) => part.slice(prefix.length))
    .filter((name) => NAME.test(name));
}
