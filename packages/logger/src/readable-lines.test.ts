import { describe, expect, it } from 'vitest';
import { readableLine } from './readable-lines.js';

describe('readableLine', () => {
  it('when an info record has a message and fields, then the line shows time, level and the message', () => {
    const record = {
      level: 30,
      time: Date.UTC(2026, 10, 21, 15, 4, 5),
      pid: 1,
      hostname: 'h',
      name: 'ordo',
      component: 'demo',
      seconds: 14,
      msg: 'order a0da7078 DELIVERED  Falafel House',
    };
    expect(readableLine(JSON.stringify(record))).toBe('15:04:05 INFO  order a0da7078 DELIVERED  Falafel House');
  });

  it('when a warning has fields, then they follow the message as key=value', () => {
    const record = { level: 40, time: 0, msg: 'upstream did not answer', service: 'order', attempts: 2 };
    expect(readableLine(JSON.stringify(record))).toBe(
      '00:00:00 WARN  upstream did not answer  service=order attempts=2',
    );
  });

  it('when a record carries an error, then its stack follows the line', () => {
    const record = { level: 50, time: 0, msg: 'failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } };
    expect(readableLine(JSON.stringify(record))).toBe('00:00:00 ERROR failed\nError: boom\n    at x');
  });

  it('when a line is not JSON, then it is passed through unchanged', () => {
    expect(readableLine('not json')).toBe('not json');
  });
});
