// Operator endpoints: look payments up, and reconcile with the PSP on demand.
import { AppError, Errors } from '@ordo/errors';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { PaymentStatus } from '../../domain/payment.js';
import type { PaymentHttpAccess } from '../../options.js';
import { getPayments } from '../../use-cases/get-payments.use-case.js';
import type { PaymentDeps } from '../../use-cases/payment.deps.js';
import type { ReconciliationReport } from '../../use-cases/reconcile.js';

const paymentQuery = z
  .object({
    orderId: z.string().min(1).max(100).optional(),
    status: z.enum(Object.values(PaymentStatus) as [PaymentStatus, ...PaymentStatus[]]).optional(),
    after: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export interface PaymentRoutesOptions {
  readonly deps: PaymentDeps;
  readonly access: PaymentHttpAccess;
  readonly reconcile: (requestedBy: string) => Promise<ReconciliationReport>;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(Errors.VALIDATION, {
      message: `the ${where} is not valid: ${z.prettifyError(result.error)}`,
      details: {
        in: where,
        issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    });
  }
  return result.data;
}

export function paymentOpsRoutes(options: PaymentRoutesOptions): FastifyPluginAsync {
  const { deps, access } = options;
  return async (app) => {
    const operatorsOnly = access.authorize(['operator']);

    app.get('/v1/ops/payments', { preHandler: operatorsOnly }, async (request) => {
      const query = parse(paymentQuery, request.query, 'query');
      return getPayments(deps, query);
    });

    app.post('/v1/ops/payments/reconcile', { preHandler: operatorsOnly }, async (request) => {
      const caller = access.currentUser(request);
      return options.reconcile(caller ? `${caller.role}:${caller.id}` : 'unknown');
    });
  };
}
