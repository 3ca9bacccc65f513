// Where scenarios write their results, and the SVG bar chart each result gets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results (git-ignored). */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/**
 * Writes `<scenario>.json` and `<scenario>.svg` into `dir`; returns their paths.
 * @param {string} scenario
 * @param {{ title: string, unit: string, rows: { label: string, value: number }[] } & Record<string, unknown>} result
 * @param {string} [dir]
 */
export function writeResult(scenario, result, dir = RESULTS_DIR) {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${scenario}.json`);
  const svg = join(dir, `${scenario}.svg`);
  writeFileSync(
    json,
    JSON.stringify({ scenario, at: new Date().toISOString(), ...result }, null, 2) + '\n',
  );
  writeFileSync(svg, barChart(result.title, result.unit, result.rows));
  return { json, svg };
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A horizontal bar chart as SVG text. */
export function barChart(title, unit, rows) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barH = 22;
  const width = 720;
  const labelW = 300;
  const height = 40 + rows.length * (barH + 8);
  const bars = rows
    .map((r, i) => {
      const y = 36 + i * (barH + 8);
      const w = Math.max(1, ((width - labelW - 110) * r.value) / max);
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escape(r.label)}</text>
<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="#4f8cff"/>
<text x="${labelW + w + 6}" y="${y + 15}">${escape(r.value.toLocaleString('en', { maximumFractionDigits: r.value < 10 ? 2 : 1 }))} ${escape(unit)}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<text x="8" y="20" font-size="14" font-weight="bold">${escape(title)}</text>
${bars}
</svg>
`;
}
