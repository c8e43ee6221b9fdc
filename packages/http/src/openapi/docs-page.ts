// The OpenAPI document as one self-contained HTML page: no script, no font or stylesheet from
// elsewhere, so it works offline and under a strict Content-Security-Policy.
import type { JsonSchema } from './json-schema.js';
import type { OpenApiDocument, OpenApiOperation, OpenApiResponse } from './openapi-document.js';
import { schemaOutline } from './schema-outline.js';

const STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --code: #f3f4f6; }
@media (prefers-color-scheme: dark) { :root { --muted: #9ca3af; --line: #374151; --code: #1f2937; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; display: grid; grid-template-columns: 17rem 1fr; }
nav { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 1rem; border-right: 1px solid var(--line); font-size: 13px; }
nav h3 { margin: 1rem 0 .25rem; font-size: 12px; text-transform: uppercase; color: var(--muted); }
nav a { display: block; text-decoration: none; color: inherit; padding: 1px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
main { padding: 1rem 2rem 4rem; max-width: 60rem; }
h1 { margin: 0 0 .25rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); }
details { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; }
summary { cursor: pointer; padding: .5rem .75rem; font-family: ui-monospace, monospace; }
summary .summary { font-family: system-ui, sans-serif; color: var(--muted); margin-left: .5rem; }
.op { padding: 0 1rem 1rem; }
.method { display: inline-block; min-width: 4rem; font-weight: 700; }
.get { color: #2563eb; } .post { color: #16a34a; } .put { color: #d97706; } .patch { color: #9333ea; } .delete { color: #dc2626; }
pre { background: var(--code); padding: .5rem .75rem; border-radius: 4px; overflow: auto; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
code { font-family: ui-monospace, monospace; }
.roles { font-weight: 600; }
`;

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Descriptions are written in CommonMark; the page renders only `code`, which is all they use.
function inline(text: string): string {
  return html(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function prose(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${inline(paragraph)}</p>`)
    .join('');
}

function anchor(prefix: string, text: string): string {
  return `${prefix}-${text}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
}

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

function outline(schema: JsonSchema): string {
  const component = typeof schema.$ref === 'string' ? COMPONENT_REF.exec(schema.$ref)?.[1] : undefined;
  if (component !== undefined) return `<p><a href="#schema-${html(component)}">${html(component)}</a></p>`;
  return `<pre>${html(schemaOutline(schema))}</pre>`;
}

function parametersTable(operation: OpenApiOperation): string {
  if (!operation.parameters?.length) return '';
  const rows = operation.parameters
    .map(
      (p) =>
        `<tr><td><code>${html(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'required' : 'optional'}</td>` +
        `<td><code>${html(schemaOutline(p.schema))}</code>${p.description ? ` ${inline(p.description)}` : ''}</td></tr>`,
    )
    .join('');
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th></th><th>type</th></tr>${rows}</table>`;
}

function responseRow(status: string, response: OpenApiResponse): string {
  const schema = response.content?.['application/json'].schema;
  return `<tr><td><code>${status}</code></td><td>${prose(response.description)}${schema ? outline(schema) : ''}</td></tr>`;
}

function operationSection(path: string, method: string, operation: OpenApiOperation): string {
  const body = operation.requestBody;
  return `<details id="${anchor(method, path)}">
<summary><span class="method ${method}">${method.toUpperCase()}</span>${html(path)}<span class="summary">${html(operation.summary)}</span></summary>
<div class="op">
${prose(operation.description)}
${parametersTable(operation)}
${body ? `<h4>Request body (JSON${body.required ? '' : ', optional'})</h4>${outline(body.content['application/json'].schema)}` : ''}
<h4>Responses</h4>
<table>${Object.entries(operation.responses)
    .map(([status, response]) => responseRow(status, response))
    .join('')}</table>
</div>
</details>`;
}

interface Entry {
  path: string;
  method: string;
  operation: OpenApiOperation;
}

function byTag(document: OpenApiDocument): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>(document.tags.map((t) => [t.name, []]));
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const tag = operation.tags[0] ?? 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag)?.push({ path, method, operation });
    }
  }
  return groups;
}

/** The page; `jsonUrl` is where the same document is served as JSON. */
export function renderDocsPage(document: OpenApiDocument, jsonUrl: string): string {
  const groups = [...byTag(document)].filter(([, entries]) => entries.length > 0);
  const descriptions = new Map(document.tags.map((t) => [t.name, t.description]));
  const nav = groups
    .map(
      ([tag, entries]) =>
        `<h3>${html(tag)}</h3>` +
        entries
          .map(
            (e) =>
              `<a href="#${anchor(e.method, e.path)}"><span class="method ${e.method}">${e.method.toUpperCase()}</span>${html(e.path)}</a>`,
          )
          .join(''),
    )
    .join('');
  const sections = groups
    .map(([tag, entries]) => {
      const description = descriptions.get(tag);
      return (
        `<h2 id="${anchor('tag', tag)}">${html(tag)}</h2>${description ? prose(description) : ''}` +
        entries.map((e) => operationSection(e.path, e.method, e.operation)).join('\n')
      );
    })
    .join('\n');
  const components = Object.entries(document.components.schemas)
    .map(([name, schema]) => `<h3 id="schema-${html(name)}">${html(name)}</h3>${outline(schema)}`)
    .join('\n');
  const { title, version, description } = document.info;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} ${html(version)}</title>
<style>${STYLE}</style>
</head>
<body>
<nav><strong>${html(title)}</strong><br><a href="${html(jsonUrl)}">openapi.json</a>${nav}</nav>
<main>
<h1>${html(title)}</h1>
<p class="muted">Version ${html(version)} · OpenAPI ${html(document.openapi)} · <a href="${html(jsonUrl)}">${html(jsonUrl)}</a></p>
${description ? prose(description) : ''}
<p>Operations with roles take <code>Authorization: Bearer &lt;access token&gt;</code>. Every error answers <code>{ "error": { "code", "message", "details"? } }</code> with a stable code.</p>
${sections}
<h2>Schemas</h2>
${components}
</main>
</body>
</html>
`;
}
