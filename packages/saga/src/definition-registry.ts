// The definitions a process knows, by name and version. New instances start on the highest
// version; an instance always finishes on the version it started with, so deploying v2 leaves
// v1 instances running on v1 (keep v1 registered until none is left).
import { AppError, Errors } from '@ordo/errors';
import { isRemoteStep, type SagaDefinition } from './definition.js';

export class DefinitionRegistry {
  private readonly byName = new Map<string, Map<number, SagaDefinition>>();

  constructor(definitions: readonly SagaDefinition[]) {
    for (const definition of definitions) {
      let versions = this.byName.get(definition.name);
      if (!versions) {
        versions = new Map();
        this.byName.set(definition.name, versions);
      }
      if (versions.has(definition.version)) {
        throw new AppError(Errors.SAGA_INVALID_DEFINITION, {
          message: `saga ${definition.name} v${definition.version} is registered twice`,
        });
      }
      versions.set(definition.version, definition);
    }
  }

  latest(name: string): SagaDefinition {
    const versions = this.byName.get(name);
    const newest = versions && Math.max(...versions.keys());
    const definition = newest === undefined ? undefined : versions?.get(newest);
    if (!definition) {
      throw new AppError(Errors.SAGA_DEFINITION_MISSING, {
        message: `no saga named ${name} is registered`,
        details: { sagaName: name },
      });
    }
    return definition;
  }

  get(name: string, version: number): SagaDefinition {
    const definition = this.find(name, version);
    if (!definition) {
      throw new AppError(Errors.SAGA_DEFINITION_MISSING, {
        message: `saga ${name} v${version} is not registered in this process`,
        details: { sagaName: name, version },
      });
    }
    return definition;
  }

  find(name: string, version: number): SagaDefinition | undefined {
    return this.byName.get(name)?.get(version);
  }

  /** Every reply type some step or compensation of some version handles. */
  replyTypes(): string[] {
    const types = new Set<string>();
    for (const versions of this.byName.values()) {
      for (const definition of versions.values()) {
        for (const step of definition.steps) {
          if (!isRemoteStep(step)) continue;
          for (const type of Object.keys(step.onReply)) types.add(type);
          for (const type of Object.keys(step.onCompensationReply ?? {})) types.add(type);
        }
      }
    }
    return [...types].sort();
  }
}
