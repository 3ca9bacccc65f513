// `pnpm bench <scenario>` / `pnpm bench all` / `pnpm bench report`.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, writeResult } from './results.mjs';
import { REPO } from './server.mjs';

// The worker binary scripts/setup.sh built, unless MEDIASOUP_WORKER_BIN says otherwise.
const recorded = join(REPO, '.cosmo', 'mediasoup-worker-bin');
if (!process.env.MEDIASOUP_WORKER_BIN && existsSync(recorded))
  process.env.MEDIASOUP_WORKER_BIN = readFileSync(recorded, 'utf8').trim();

const scenarios = {
  codec: () => import('./scenarios/codec.mjs'),
  captions: () => import('./scenarios/captions.mjs'),
  weight: () => import('./scenarios/weight.mjs'),
  join: () => import('./scenarios/join.mjs'),
  memory: () => import('./scenarios/memory.mjs'),
  ding: () => import('./scenarios/ding.mjs'),
  fanout: () => import('./scenarios/fanout.mjs'),
  lecture: () => import('./scenarios/lecture.mjs'),
  cluster: () => import('./scenarios/cluster.mjs'),
  board: () => import('./scenarios/board.mjs'),
};

function printCodec({ table }) {
  console.log('| message | protobuf B | JSON B | encode × | decode × |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of table) {
    console.log(
      `| ${r.message} | ${r.protobufBytes} | ${r.jsonBytes} | ${r.encodeSpeedup.toFixed(2)} | ${r.decodeSpeedup.toFixed(2)} |`,
    );
  }
}

async function runScenario(name) {
  const scenario = await scenarios[name]();
  const result = await scenario.run();
  const paths = writeResult(name, result);
  (scenario.print ?? printCodec)(result);
  console.log(`\nwrote ${paths.json} and ${paths.svg}`);
}

function report() {
  if (!existsSync(RESULTS_DIR)) throw new Error('no results yet: run `pnpm bench all` first');
  const lines = ['# Cosmo bench report', ''];
  for (const file of readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const r = JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8'));
    lines.push(`## ${r.scenario} (${r.at})`, '', `![${r.title}](${r.scenario}.svg)`, '');
    lines.push('| measure | value |', '| --- | ---: |');
    for (const row of r.rows) lines.push(`| ${row.label} | ${row.value.toFixed(2)} ${r.unit} |`);
    lines.push('');
  }
  const out = join(RESULTS_DIR, 'REPORT.md');
  writeFileSync(out, lines.join('\n'));
  console.log(`wrote ${out}`);
}

const [name] = process.argv.slice(2);
try {
  if (name === 'report') report();
  else if (name === 'all') for (const s of Object.keys(scenarios)) await runScenario(s);
  else if (name && name in scenarios) await runScenario(name);
  else {
    console.error(
      `cosmo bench: unknown scenario '${name ?? ''}'. Available: ${Object.keys(scenarios).join(', ')}, all, report.`,
    );
    process.exit(2);
  }
} catch (err) {
  console.error(`cosmo bench: ${err.message}`);
  process.exit(1);
}
// @roamhq/wrtc can crash while its threads are torn down at a natural exit: leave at once.
process.exit(0);
