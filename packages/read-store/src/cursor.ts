// Opaque keyset cursors: the last member of a page, encoded so clients treat it as a token.
import { InvalidCursorError } from './read-store.port.js';

const PREFIX = 'c1.';

export function encodeCursor(member: string): string {
  return PREFIX + Buffer.from(member, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  if (!cursor.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(cursor.slice(PREFIX.length))) {
    throw new InvalidCursorError(cursor);
  }
  const member = Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8');
  if (member.length === 0 || encodeCursor(member) !== cursor) throw new InvalidCursorError(cursor);
  return member;
}

export function boundedLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer: ${limit}`);
  return Math.min(limit, 1_000);
}
