import { describe, expect, it } from 'vitest';
import { defineSaga, type SagaStep, type StepDeadline } from './definition.js';
import { DefinitionRegistry } from './definition-registry.js';

interface Data {
  readonly n: number;
}

const deadline: StepDeadline = { timeoutMs: 1_000, maxAttempts: 2 };
const command = { topic: 'x.commands', type: 'x.do.v1', payload: {} };
const local = (name: string, extra: Partial<SagaStep<Data>> = {}): SagaStep<Data> =>
  ({ name, run: async ({ data }) => data, ...extra }) as SagaStep<Data>;
const remote = (name: string, extra: Record<string, unknown> = {}): SagaStep<Data> =>
  ({
    name,
    invoke: () => command,
    onReply: { 'x.done.v1': (data: Data) => ({ next: data }) },
    deadline,
    ...extra,
  }) as SagaStep<Data>;

const invalid = { code: 'ORDO_ERR_SAGA_INVALID_DEFINITION' };

describe('defineSaga', () => {
  it('when there is no pivot, then every step may be compensated', () => {
    expect(defineSaga<Data>({ name: 's', version: 1, steps: [local('a'), remote('b')] }).lastCompensable).toBe(1);
  });

  it('when a step is the pivot, then later steps are past it', () => {
    const saga = defineSaga<Data>({
      name: 's',
      version: 1,
      steps: [local('a'), remote('b', { pivot: true }), remote('c')],
    });
    expect(saga.lastCompensable).toBe(1);
  });

  it.each([
    ['two steps share a name', [local('a'), remote('a')]],
    ['there are two pivots', [remote('a', { pivot: true }), remote('b', { pivot: true })]],
    [
      'a step after the pivot has a compensation',
      [remote('a', { pivot: true }), local('b', { compensate: async () => {} })],
    ],
    ['a remote compensation handles no reply', [remote('a', { compensate: () => command, onCompensationReply: {} })]],
    ['a step has no deadline', [remote('a', { deadline: undefined })]],
    ['a deadline allows no attempt', [remote('a', { deadline: { timeoutMs: 1, maxAttempts: 0 } })]],
    ['a step handles no reply', [remote('a', { onReply: {} })]],
    ['a step name has a colon', [local('a:b')]],
    ['there are no steps', []],
  ])('when %s, then the definition is refused', (_why, steps) => {
    expect(() => defineSaga<Data>({ name: 's', version: 1, steps })).toThrow(expect.objectContaining(invalid));
  });

  it('when a handler names its contract reply type, then the definition type-checks and the step reads as a table', () => {
    interface TicketCreated {
      readonly sagaId: string;
      readonly commandId: string;
      readonly ticketId: string;
    }
    const saga = defineSaga<Data & { ticketId?: string }>({
      name: 'typed',
      version: 1,
      steps: [
        {
          name: 'ticket',
          invoke: (data) => ({ ...command, payload: { n: data.n } }),
          onReply: { 'x.done.v1': (data, reply: TicketCreated) => ({ next: { ...data, ticketId: reply.ticketId } }) },
          deadline,
          compensate: () => undefined,
          onCompensationReply: { 'x.undone.v1': (data) => ({ next: data }) },
        },
        { name: 'local', run: async ({ data }) => data, compensate: async ({ sagaId }) => void sagaId },
      ],
    });
    expect(saga.steps.map((s) => s.name)).toEqual(['ticket', 'local']);
  });

  it('when the version is not a positive integer, then the definition is refused', () => {
    expect(() => defineSaga<Data>({ name: 's', version: 0, steps: [local('a')] })).toThrow(
      expect.objectContaining(invalid),
    );
  });
});

describe('DefinitionRegistry', () => {
  const v1 = defineSaga<Data>({ name: 's', version: 1, steps: [remote('a')] });
  const v2 = defineSaga<Data>({
    name: 's',
    version: 2,
    steps: [
      remote('a', { compensate: () => command, onCompensationReply: { 'x.undone.v1': (d: Data) => ({ next: d }) } }),
    ],
  });

  it('when several versions are registered, then the newest starts sagas and each stays reachable', () => {
    const registry = new DefinitionRegistry([v2, v1]);
    expect(registry.latest('s').version).toBe(2);
    expect(registry.get('s', 1)).toBe(v1);
    expect(registry.replyTypes()).toEqual(['x.done.v1', 'x.undone.v1']);
  });

  it('when a version is registered twice or is missing, then it fails loudly', () => {
    expect(() => new DefinitionRegistry([v1, v1])).toThrow(expect.objectContaining(invalid));
    const registry = new DefinitionRegistry([v2]);
    expect(() => registry.get('s', 1)).toThrow(expect.objectContaining({ code: 'ORDO_ERR_SAGA_DEFINITION_MISSING' }));
    expect(() => registry.latest('other')).toThrow(
      expect.objectContaining({ code: 'ORDO_ERR_SAGA_DEFINITION_MISSING' }),
    );
  });
});
