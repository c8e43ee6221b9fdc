// Which identity sits at the other end of a connection: the name in the client certificate the
// TLS handshake verified, or nothing (a plain socket, no certificate, or one that did not verify).
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { identitiesInSubjectAltName } from './identity.js';

// The certificate cannot change on a connection: read it once per socket, not once per request.
const seen = new WeakMap<object, string | undefined>();

function isTlsSocket(socket: Socket | TLSSocket): socket is TLSSocket {
  return typeof (socket as TLSSocket).getPeerCertificate === 'function';
}

/** The verified peer's identity name (`gateway`, `operator-tools`, …), or undefined. */
export function peerIdentity(socket: Socket | TLSSocket | undefined): string | undefined {
  if (!socket || !isTlsSocket(socket) || socket.authorized !== true) return undefined;
  if (seen.has(socket)) return seen.get(socket);
  const names = identitiesInSubjectAltName(socket.getPeerCertificate().subjectaltname);
  // A certificate naming more than one identity speaks for none of them.
  const name = names.length === 1 ? names[0] : undefined;
  seen.set(socket, name);
  return name;
}

/** A predicate over requests: whether the TLS peer is `name`. For `forwardedCallerAuth({ trust })`. */
export function peerIs(name: string): (request: { raw: { socket: Socket } }) => boolean {
  return (request) => peerIdentity(request.raw.socket) === name;
}
