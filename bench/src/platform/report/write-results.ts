// Writes a run's JSON, Markdown and SVG chart to the results directory (and the JSON also to
// `--json FILE`), named by shape and time so runs never overwrite each other.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatJson } from './json-format.js';
import { markdownReport } from './markdown.js';
import type { PlatformReport } from './report.js';
import { hasLatency, latencyChart } from './svg-chart.js';

export interface WrittenResults {
  json: string;
  markdown: string;
  svg: string | undefined;
  extraJson: string | undefined;
}

export async function writeResults(
  report: PlatformReport,
  resultsDir: string,
  jsonFile: string | undefined,
): Promise<WrittenResults> {
  const dir = resolve(resultsDir);
  await mkdir(dir, { recursive: true });
  const stamp = report.at.replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const base = join(dir, `platform-${report.shape}-${stamp}`);
  const json = formatJson(report);
  await writeFile(`${base}.json`, json);
  await writeFile(`${base}.md`, markdownReport(report));
  let svg: string | undefined;
  if (hasLatency(report)) {
    svg = `${base}.svg`;
    await writeFile(svg, latencyChart(report));
  }
  let extraJson: string | undefined;
  if (jsonFile) {
    extraJson = resolve(jsonFile);
    await mkdir(dirname(extraJson), { recursive: true });
    await writeFile(extraJson, json);
  }
  return { json: `${base}.json`, markdown: `${base}.md`, svg, extraJson };
}
