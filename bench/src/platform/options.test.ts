import { describe, expect, it } from 'vitest';
import { BENCH_FLAGS, BENCH_USAGE, parseBenchOptions, wantsHelp } from './options.js';

describe('platform benchmark options', () => {
  it('when --help or -h is given, then the usage is asked for instead of a run', () => {
    expect(wantsHelp(['--help'])).toBe(true);
    expect(wantsHelp(['--shape', 'single', '-h'])).toBe(true);
    expect(wantsHelp(['--shape', 'single'])).toBe(false);
  });

  it('when the usage is printed, then it names every flag the benchmark takes', () => {
    const missing = Object.keys(BENCH_FLAGS).filter((flag) => !BENCH_USAGE.includes(`--${flag}`));
    expect(missing).toEqual([]);
  });

  it('when a flag is out of range, then one error lists every problem', () => {
    expect(() => parseBenchOptions(['--shape', 'moon', '--in-flight', '0', '--psp', 'nearby'])).toThrow(
      /--shape must be one of distributed, single, embedded[\s\S]*--psp must be own-process or in-process[\s\S]*--in-flight must be a number ≥ 1/,
    );
  });

  it('when --psp is not given, then the PSP simulator runs in a process of its own; in-process is kept when asked', () => {
    expect(parseBenchOptions(['--shape', 'single']).psp).toBe('own-process');
    expect(parseBenchOptions(['--shape', 'single', '--psp', 'in-process']).psp).toBe('in-process');
  });
});
