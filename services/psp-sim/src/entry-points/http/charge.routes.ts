// The provider API the payment service calls: authorize, capture, void, refund (each under
// an Idempotency-Key), and the reads its reconciliation job compares against.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { PspSimUseCases } from '../../use-cases/psp-sim.use-cases.js';
import { chargeJson } from './charge.json.js';
import type { FaultInjection } from './fault-injection.js';
import {
  amountBody,
  authorizationBody,
  chargeParams,
  DEFAULT_PAGE_SIZE,
  emptyBody,
  idempotencyHeaders,
  listQuery,
  parseInput,
} from './request-schemas.js';

export interface ChargeRoutesOptions {
  readonly useCases: PspSimUseCases;
  readonly faults: FaultInjection;
}

function idempotencyKey(request: FastifyRequest): string {
  return parseInput(idempotencyHeaders, request.headers, 'headers')['idempotency-key'];
}

function chargeId(request: FastifyRequest): string {
  return parseInput(chargeParams, request.params, 'params').id;
}

export function chargeRoutes({ useCases, faults }: ChargeRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', faults.preHandler);

    app.post(
      '/psp/v1/authorizations',
      faults.route(async (request) => {
        const key = idempotencyKey(request);
        return useCases.authorizeCharge(key, parseInput(authorizationBody, request.body, 'body'));
      }),
    );

    app.post(
      '/psp/v1/charges/:id/capture',
      faults.route(async (request) => {
        const [key, id] = [idempotencyKey(request), chargeId(request)];
        return useCases.captureCharge(key, id, parseInput(amountBody, request.body, 'body'));
      }),
    );

    app.post(
      '/psp/v1/charges/:id/void',
      faults.route(async (request) => {
        const [key, id] = [idempotencyKey(request), chargeId(request)];
        parseInput(emptyBody, request.body, 'body');
        return useCases.voidCharge(key, id);
      }),
    );

    app.post(
      '/psp/v1/charges/:id/refund',
      faults.route(async (request) => {
        const [key, id] = [idempotencyKey(request), chargeId(request)];
        return useCases.refundCharge(key, id, parseInput(amountBody, request.body, 'body'));
      }),
    );

    app.get(
      '/psp/v1/charges/:id',
      faults.route(async (request) => {
        const charge = await useCases.getCharge(chargeId(request));
        return { status: 200, json: JSON.stringify(chargeJson(charge)) };
      }),
    );

    app.get(
      '/psp/v1/charges',
      faults.route(async (request) => {
        const query = parseInput(listQuery, request.query, 'querystring');
        const page = await useCases.listCharges({
          orderId: query.orderId,
          after: query.after,
          limit: query.limit ?? DEFAULT_PAGE_SIZE,
        });
        return {
          status: 200,
          json: JSON.stringify({ charges: page.charges.map(chargeJson), nextAfter: page.nextAfter }),
        };
      }),
    );
  };
}
