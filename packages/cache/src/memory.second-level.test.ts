import { describe, expect, it } from 'vitest';
import { MemorySecondLevel, noSecondLevel } from './memory.second-level.js';
import { secondLevelConformance } from './second-level.conformance.js';

secondLevelConformance('in-process memory', {
  async open() {
    const level = new MemorySecondLevel();
    return { a: level.connect(), b: level.connect(), close: async () => {} };
  },
});

describe('MemorySecondLevel', () => {
  it('when 100k distinct keys are written, then at most maxEntries are kept', async () => {
    const { shared } = new MemorySecondLevel({ maxEntries: 1_000 }).connect();
    for (let i = 0; i < 100_000; i++) await shared.write(`k${i}`, 'v', 60_000, '');
    let kept = 0;
    for (let i = 0; i < 100_000; i++) if ((await shared.read(`k${i}`)).entry !== undefined) kept++;
    expect(kept).toBe(1_000);
  });
});

describe('noSecondLevel', () => {
  it('when anything is written, then nothing is read back and nobody is told', async () => {
    const { shared, invalidations } = noSecondLevel();
    expect(await shared.write('k', 'v', 60_000, '')).toBe(true);
    expect((await shared.read('k')).entry).toBeUndefined();
    await invalidations.subscribe(() => expect.unreachable());
    await invalidations.publish(['k']);
  });
});
