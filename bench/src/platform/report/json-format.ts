// JSON laid out the way the repository's formatter (biome) lays it out: objects one key per line,
// arrays of plain values on one line when they fit in 120 columns (numbers filled line by line
// when they do not). Results written under bench/ then pass `npm run check` as they are.
const WIDTH = 120;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlain(v: Json): v is null | boolean | number | string {
  return v === null || typeof v !== 'object';
}

function format(value: Json, indent: string, prefixLength: number, trailing: number): string {
  if (isPlain(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPlain)) {
      const items = value.map((v) => JSON.stringify(v));
      const flat = `[${items.join(', ')}]`;
      if (prefixLength + flat.length + trailing <= WIDTH) return flat;
      if (value.every((v) => typeof v === 'number')) {
        const lines: string[] = [];
        let line = '';
        items.forEach((item, i) => {
          const piece = i < items.length - 1 ? `${item},` : item;
          if (line && inner.length + line.length + 1 + piece.length > WIDTH) {
            lines.push(line);
            line = piece;
          } else line = line ? `${line} ${piece}` : piece;
        });
        lines.push(line);
        return `[\n${lines.map((l) => inner + l).join('\n')}\n${indent}]`;
      }
    }
    const items = value.map((v, i) => inner + format(v, inner, inner.length, i < value.length - 1 ? 1 : 0));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, v], i) => {
    const key = `${JSON.stringify(k)}: `;
    return inner + key + format(v, inner, inner.length + key.length, i < entries.length - 1 ? 1 : 0);
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** `value` as JSON text (with a final newline); undefined members are left out, non-finite numbers become null. */
export function formatJson(value: unknown): string {
  // A round trip through JSON drops undefined, turns NaN into null and Maps/Dates into plain JSON.
  const plain = JSON.parse(JSON.stringify(value)) as Json;
  return `${format(plain, '', 0, 0)}\n`;
}
