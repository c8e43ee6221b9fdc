// The real PSP simulator (services/psp-sim) as a process of its own, started from its standalone
// entry (`serve.ts`, run with tsx) on port 0 with an in-memory database. A service never imports
// another service, not even in tests: the payment tests steer it only through its HTTP API, as
// the payment service does. Its URL comes from its `psp-sim listening` log line.
import { type ChildProcess, fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const serveScript = fileURLToPath(new URL('../../../psp-sim/src/serve.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface PspSim {
  readonly url: string;
  /** `PUT /psp/v1/admin/faults`: the simulator's baseline with these settings. */
  setFaults(settings: Record<string, unknown>): Promise<void>;
  /** `DELETE /psp/v1/admin/faults`. */
  resetFaults(): Promise<void>;
  /** `GET /psp/v1/charges?orderId=`: the order's charges, as the PSP sees them. */
  charges(orderId: string): Promise<SimCharge[]>;
  /** A hold placed directly at the PSP, past Ordo (for reconciliation tests). */
  authorizeDirectly(orderId: string, amountCents: number): Promise<string>;
  close(): Promise<void>;
}

export interface SimCharge {
  chargeId: string;
  orderId: string;
  status: string;
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  operations: { kind: string; amountCents: number; idempotencyKey: string }[];
}

export async function startPspSim(): Promise<PspSim> {
  // No PSP_SIM_DATABASE_URL: an in-memory PGlite, gone with the process.
  const { PSP_SIM_DATABASE_URL: _unused, ...env } = process.env;
  const child = fork(serveScript, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...env, PORT: '0', HOST: '127.0.0.1', ORDO_LOG_LEVEL: 'info' },
    // stdout is read (and kept drained) for the ready line; the IPC channel stops the
    // simulator if this process dies without closing it.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await listeningUrl(child, exited);
  const admin = async (method: string, body?: unknown) => {
    const res = await fetch(`${url}/psp/v1/admin/faults`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`psp-sim admin ${method}: ${res.status} ${await res.text()}`);
  };
  return {
    url,
    setFaults: (settings) => admin('PUT', settings),
    resetFaults: () => admin('DELETE'),
    async charges(orderId) {
      const res = await fetch(`${url}/psp/v1/charges?orderId=${encodeURIComponent(orderId)}&limit=50`);
      if (!res.ok) throw new Error(`psp-sim list: ${res.status}`);
      return ((await res.json()) as { charges: SimCharge[] }).charges;
    },
    async authorizeDirectly(orderId, amountCents) {
      const res = await fetch(`${url}/psp/v1/authorizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `direct:${orderId}` },
        body: JSON.stringify({ orderId, amountCents, currency: 'EUR', cardToken: 'tok_visa' }),
      });
      if (res.status !== 201) throw new Error(`psp-sim authorize: ${res.status}`);
      return ((await res.json()) as { chargeId: string }).chargeId;
    },
    close: () => stop(child, exited),
  };
}

/** Reads the child's JSON log lines until `psp-sim listening`; fails if it exits or stays silent. */
function listeningUrl(child: ChildProcess, exited: Promise<void>): Promise<string> {
  const stdout = createInterface({ input: child.stdout! });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`psp-sim did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    // Every line is read, before and after the ready line, so the pipe never fills up.
    stdout.on('line', (line) => {
      const entry = parseLogLine(line);
      if (entry?.msg === 'psp-sim listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`psp-sim exited before it listened (code ${child.exitCode}): ${stderr}`));
    });
  });
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** SIGTERM (a graceful stop), then SIGKILL if it takes too long. */
async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
