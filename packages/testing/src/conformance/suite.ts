// The transport conformance suite: the kernel's promises (nothing lost, nothing applied twice,
// nothing stuck, nothing reordered for one aggregate) checked against a real transport and
// database. Every adapter runs it unchanged; cases that need several processes run only
// where the shape allows them.
import { afterEach, beforeEach, describe } from 'vitest';
import { deliveryCases } from './cases-delivery.js';
import { deadLetterCases } from './cases-dlq.js';
import { memoryCases } from './cases-memory.js';
import { orderCases } from './cases-order.js';
import { outboxCases } from './cases-outbox.js';
import { topicCases } from './cases-topics.js';
import { KernelFixture, migrateFixture } from './kernel-fixture.js';
import type { ShapeContext, TransportShape } from './shapes.js';

export interface SuiteContext {
  readonly shape: TransportShape;
  /** The infrastructure of the running test. */
  ctx(): ShapeContext;
  /** A fixture bound to a fresh topic of the running test. */
  fixture(topicName: string): Promise<KernelFixture>;
}

export function defineTransportConformance(shape: TransportShape): void {
  describe(`transport conformance: ${shape.name}`, () => {
    let current: ShapeContext | undefined;
    const fixtures: KernelFixture[] = [];

    beforeEach(async () => {
      current = await shape.setup();
      await migrateFixture(current.db);
    });

    afterEach(async () => {
      for (const f of fixtures.splice(0)) await f.stopAll();
      await current?.cleanup();
      current = undefined;
    });

    const suite: SuiteContext = {
      shape,
      ctx: () => {
        if (!current) throw new Error('no shape set up');
        return current;
      },
      async fixture(topicName) {
        const ctx = suite.ctx();
        const topic = ctx.topic(topicName);
        await ctx.transport.ensureTopic(topic);
        const f = new KernelFixture(ctx.db, ctx.transport, topic);
        fixtures.push(f);
        return f;
      },
    };

    deliveryCases(suite);
    outboxCases(suite);
    deadLetterCases(suite);
    orderCases(suite);
    memoryCases(suite);
    topicCases(suite);
  });
}
