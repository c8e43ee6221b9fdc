// Waiting until a child of the cluster answers /readyz (over mutual TLS, with the operators'
// tools certificate, for a service behind the gateway).
import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { listensOn } from '@ordo/http/free-port';
import { mtlsRequest, type TlsMaterial } from '@ordo/tls';

/** The child exited before it was ready; `logTail` is the end of its log. */
export class ExitedBeforeReady extends Error {
  constructor(
    readonly readyUrl: string,
    readonly exit: number | string,
    readonly logTail: string,
  ) {
    super(`${readyUrl}: the process exited (${exit}):\n${logTail}`);
    this.name = 'ExitedBeforeReady';
  }

  /** It could not listen: its port was taken (by another process, after it was chosen free). */
  get portTaken(): boolean {
    return this.logTail.includes('EADDRINUSE');
  }
}

/**
 * Polls `readyUrl` until it answers 200 from a listener the child holds: the port was chosen free
 * before the child started, and another process that took it in between would answer the probe
 * while the child fails to bind (ADR 0009 amendment). Fails at once when the child exits
 * (`ExitedBeforeReady`, with the tail of its log), or after `timeoutMs`.
 */
export async function waitReady(
  readyUrl: string,
  child: ChildProcess,
  logTail: () => Promise<string>,
  timeoutMs = 90_000,
  tls?: TlsMaterial,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const port = Number(new URL(readyUrl).port);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new ExitedBeforeReady(readyUrl, child.exitCode ?? (child.signalCode as string), await logTail());
    }
    try {
      const res = await mtlsRequest(readyUrl, { tls, timeoutMs: 2_000 });
      if (res.status === 200 && (await listensOn(child.pid as number, port))) return;
    } catch {
      // not listening yet
    }
    await delay(100);
  }
  throw new Error(`${readyUrl}: not ready within ${timeoutMs} ms:\n${await logTail()}`);
}
