// Keeps docs/errors.md and the registry in step: every code on both sides, with the same
// HTTP status and retryable flag. Both are read when the test runs.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { allErrorDefinitions } from './registry.js';

const DOC = new URL('../../../docs/errors.md', import.meta.url);

interface DocRow {
  code: string;
  httpStatus: number;
  retryable: boolean;
}

// A table row whose first cell is a code: | `ORDO_ERR_X` | 400 | no | meaning |
const ROW = /^\|\s*`?(ORDO_ERR_[A-Z0-9_]+)`?\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|/i;

const CODE = /ORDO_ERR_[A-Z0-9_]+/g;

async function readDoc(): Promise<{ rows: DocRow[]; malformed: string[]; mentioned: string[] }> {
  const text = await readFile(DOC, 'utf8');
  const rows: DocRow[] = [];
  const malformed: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const match = ROW.exec(line);
    if (match) {
      const [, code, status, retryable] = match as unknown as [string, string, string, string];
      rows.push({ code, httpStatus: Number(status), retryable: retryable.toLowerCase() === 'yes' });
    } else if (line.startsWith('|') && /ORDO_ERR_/.test(line.split('|')[1] ?? '')) {
      malformed.push(line);
    }
  }
  return { rows, malformed, mentioned: [...new Set(text.match(CODE) ?? [])] };
}

async function docRows(): Promise<DocRow[]> {
  return (await readDoc()).rows;
}

describe('docs/errors.md', () => {
  it('when compared with the registry, then every registry code has a row', async () => {
    const documented = new Set((await docRows()).map((r) => r.code));
    const missing = allErrorDefinitions()
      .map((d) => d.code)
      .filter((code) => !documented.has(code));
    expect(missing, 'codes in registry.ts without a row in docs/errors.md').toEqual([]);
  });

  it('when compared with the registry, then every code the doc mentions exists in it', async () => {
    const registered = new Set(allErrorDefinitions().map((d) => d.code));
    const unknown = (await readDoc()).mentioned.filter((code) => !registered.has(code));
    expect(unknown, 'codes in docs/errors.md that registry.ts does not define').toEqual([]);
  });

  it('when a table row names a code, then it reads | `code` | status | yes/no | meaning |', async () => {
    expect((await readDoc()).malformed, 'rows of docs/errors.md this test cannot read').toEqual([]);
  });

  it('when a code is documented, then its status and retryable flag match the registry, once', async () => {
    const rows = await docRows();
    const duplicates = rows.map((r) => r.code).filter((code, i, all) => all.indexOf(code) !== i);
    expect(duplicates, 'codes documented more than once').toEqual([]);

    const byCode = new Map(allErrorDefinitions().map((d) => [d.code, d]));
    const mismatched = rows
      .filter((r) => {
        const d = byCode.get(r.code);
        return d !== undefined && (d.httpStatus !== r.httpStatus || d.retryable !== r.retryable);
      })
      .map((r) => {
        const d = byCode.get(r.code)!;
        return `${r.code}: doc says ${r.httpStatus}/${r.retryable ? 'yes' : 'no'}, registry ${d.httpStatus}/${d.retryable ? 'yes' : 'no'}`;
      });
    expect(mismatched).toEqual([]);
  });

  it('when the registry is read, then its codes are unique and well formed', () => {
    const codes = allErrorDefinitions().map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^ORDO_ERR_[A-Z0-9]+(_[A-Z0-9]+)+$/);
  });
});
