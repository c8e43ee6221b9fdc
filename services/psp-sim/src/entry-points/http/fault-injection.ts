// The simulator's faults at the HTTP edge: latency before every provider call, then at most
// one fault — a 503 (outage, `5xx`), a hang that ends in a dropped connection (`timeout`),
// or a dropped connection after the work committed (`lost`, applied to whatever the handler
// answers, refusals included).
import { AppError, Errors } from '@ordo/errors';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { FailKind } from '../../domain/fault-settings.js';
import type { FaultControl } from '../../use-cases/fault-control.js';
import type { SimStats } from '../../use-cases/sim-stats.js';

/** Waits `ms`; rejects when `signal` aborts. Injected so tests never wait on the clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface FaultInjectionOptions {
  readonly faults: FaultControl;
  readonly stats: SimStats;
  readonly sleep: Sleep;
  /** How long a `timeout` fault hangs when the client does not give up first. */
  readonly hangMs: number;
  /** Aborted when the service stops: latency and hangs end at once. */
  readonly stopping: AbortSignal;
}

export interface Answer {
  readonly status: number;
  /** The body as JSON text, sent byte for byte (a replay must be identical). */
  readonly json: string;
  readonly replayed?: boolean;
}

export interface FaultInjection {
  /** A preHandler hook for the provider routes (not the admin ones). */
  preHandler(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /**
   * A route handler that sends what `handle` answers, or drops the connection without a word
   * when this call drew `lost` (also when `handle` throws: the caller must not learn the outcome).
   */
  route(handle: (request: FastifyRequest) => Promise<Answer>): RouteHandlerMethod;
}

function unavailable(message: string): AppError {
  return new AppError(Errors.PSP_UNAVAILABLE, { message });
}

/** Closes the connection without a response: the client sees a reset / "socket hang up". */
function dropConnection(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.destroy();
}

export function createFaultInjection(options: FaultInjectionOptions): FaultInjection {
  const { faults, stats, sleep, hangMs, stopping } = options;
  const losing = new WeakSet<FastifyRequest>();

  async function hang(reply: FastifyReply): Promise<void> {
    const clientGone = new AbortController();
    const onClose = () => clientGone.abort();
    reply.raw.once('close', onClose);
    // The client may have gone already (during the latency): no 'close' is coming then.
    if (reply.raw.destroyed || reply.request.raw.socket?.destroyed) clientGone.abort();
    const signal = AbortSignal.any([clientGone.signal, stopping]);
    try {
      await sleep(hangMs, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  return {
    async preHandler(request, reply) {
      stats.call();
      const { latencyMs } = faults.settings();
      if (latencyMs > 0) {
        try {
          await sleep(latencyMs, stopping);
        } catch (error) {
          if (stopping.aborted) throw unavailable('the simulator is stopping');
          throw error;
        }
      }
      const fault = faults.draw();
      if (fault === null) return;
      stats.fault(fault);
      request.log.info({ fault }, 'psp-sim: injecting a fault');
      switch (fault) {
        case 'outage':
          throw unavailable('simulated outage');
        case FailKind.ServerError:
          throw unavailable('simulated server error');
        case FailKind.Lost:
          losing.add(request);
          return;
        case FailKind.Timeout:
          await hang(reply);
          dropConnection(reply);
          return;
      }
    },

    route(handle) {
      return async (request, reply) => {
        let answer: Answer;
        try {
          answer = await handle(request);
        } catch (error) {
          if (!losing.has(request)) throw error;
          request.log.info({ err: error }, 'psp-sim: dropping the connection instead of this error');
          dropConnection(reply);
          return reply;
        }
        if (losing.has(request)) {
          dropConnection(reply);
          return reply;
        }
        if (answer.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.json);
      };
    },
  };
}
