// Operator endpoints: look payments up, and reconcile with the PSP on demand.
import { allow, authPlugin } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { PaymentHttpAccess } from '../../options.js';
import { getPayments } from '../../use-cases/get-payments.use-case.js';
import type { PaymentDeps } from '../../use-cases/payment.deps.js';
import type { ReconciliationReport } from '../../use-cases/reconcile.js';
import { paymentPageView, reconciliationReportView } from './payment.presenter.js';
import { noBody, paymentQuery } from './payment-ops.api.js';

export interface PaymentRoutesOptions {
  readonly deps: PaymentDeps;
  readonly access: PaymentHttpAccess;
  readonly reconcile: (requestedBy: string) => Promise<ReconciliationReport>;
}

export function paymentOpsRoutes(options: PaymentRoutesOptions): FastifyPluginAsync {
  const { deps, access } = options;
  return async (app) => {
    await app.register(authPlugin, { auth: access });
    const operatorsOnly = { config: allow('operator') };

    app.get('/v1/ops/payments', operatorsOnly, async (request) => {
      const query = parseInput(paymentQuery, request.query, 'querystring');
      return paymentPageView(await getPayments(deps, query));
    });

    app.post('/v1/ops/payments/reconcile', operatorsOnly, async (request) => {
      parseInput(noBody, request.body, 'body');
      const caller = access.currentUser(request);
      return reconciliationReportView(await options.reconcile(caller ? `${caller.role}:${caller.id}` : 'unknown'));
    });
  };
}
