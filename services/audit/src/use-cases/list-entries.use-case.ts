// The operators' view of the log: filtered, newest first, a page at a time. The cursor is the
// last position of the page, opaque to clients.
import { AppError, Errors } from '@ordo/errors';
import type { EntryFilter } from '../data-access/audit-log.repository.js';
import type { AuditEntry } from '../domain/audit-entry.js';
import type { AuditDeps } from './audit.deps.js';

export interface ListEntriesQuery extends Omit<EntryFilter, 'beforePosition'> {
  readonly cursor?: string;
}

export interface EntriesPage {
  readonly entries: AuditEntry[];
  readonly nextCursor: string | null;
}

export async function listEntries(deps: Pick<AuditDeps, 'db' | 'log'>, query: ListEntriesQuery): Promise<EntriesPage> {
  const { cursor, ...filter } = query;
  const beforePosition = cursor === undefined ? undefined : decodeCursor(cursor);
  const rows = await deps.log.list(deps.db, { ...filter, beforePosition, limit: filter.limit + 1 });
  const entries = rows.slice(0, filter.limit);
  const last = entries.at(-1);
  const nextCursor = rows.length > filter.limit && last ? encodeCursor(last.position) : null;
  return { entries, nextCursor };
}

function encodeCursor(position: number): string {
  return Buffer.from(`p:${position}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError(Errors.VALIDATION, { message: 'invalid page cursor', details: { cursor } });
  return Number(match[1]);
}
