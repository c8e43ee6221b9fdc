import { describe, expect, it, vi } from 'vitest';
import type { Delivery } from '../transport.port.js';
import { Resequencer } from './resequencer.js';

const d = (id: string) => ({ message: { id } }) as unknown as Delivery;

describe('Resequencer', () => {
  it('when successors are held and the key is released, then they come back in seq order', () => {
    const r = new Resequencer(1_000, 10, () => {});
    r.hold('k', 5, d('m5'));
    r.hold('k', 3, d('m3'));
    r.hold('other', 2, d('o2'));
    expect(r.release('k').map((x) => x.message.id)).toEqual(['m3', 'm5']);
    expect(r.size).toBe(1);
    expect(r.release('k')).toEqual([]);
  });

  it('when a held message waits past the hold time, then it is handed back', () => {
    vi.useFakeTimers();
    try {
      const expired: string[] = [];
      const r = new Resequencer(100, 10, (x) => expired.push(x.message.id));
      r.hold('k', 2, d('m2'));
      vi.advanceTimersByTime(99);
      expect(expired).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(expired).toEqual(['m2']);
      expect(r.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when full, then it refuses to hold more', () => {
    const r = new Resequencer(1_000, 1, () => {});
    expect(r.hold('a', 2, d('a2'))).toBe(true);
    expect(r.hold('b', 2, d('b2'))).toBe(false);
    expect(r.releaseAll()).toHaveLength(1);
  });
});
