// client weight: what a page downloads for Cosmo, minified and gzipped, next to livekit-client
// (the baseline, installed only as a bench dev dependency). Both are built here, in this run, by
// the same Vite: Cosmo's whole element (UI included), Cosmo's SDK alone, and livekit-client's SDK.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'vite';
import { bundleStubs } from '../../../packages/client/bundle-stubs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function bundle(name, entrySource, resolveFrom, plugins = []) {
  const dir = mkdtempSync(join(tmpdir(), `cosmo-weight-${name}-`));
  try {
    const entry = join(resolveFrom, `.weight-entry-${name}.mjs`);
    writeFileSync(entry, entrySource);
    try {
      await build({
        root: resolveFrom,
        configFile: false,
        logLevel: 'silent',
        plugins,
        resolve: { conditions: ['@cosmo/source', 'module', 'browser', 'production'] },
        build: {
          outDir: dir,
          target: 'es2022',
          minify: true,
          // What a browser downloads: fully minified (library mode otherwise keeps whitespace).
          rolldownOptions: {
            output: { minify: true, comments: { legal: true, annotation: false } },
          },
          lib: { entry, formats: ['es'], fileName: () => `${name}.js` },
        },
      });
    } finally {
      rmSync(entry, { force: true });
    }
    // Everything emitted counts (a library may split chunks).
    const code = Buffer.concat(
      readdirSync(dir)
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(join(dir, f))),
    );
    return {
      raw: code.length,
      gzip: gzipSync(code, { level: 9 }).length,
      brotli: brotliCompressSync(code).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {{ log?: (line: string) => void }} [options] */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const client = join(root, 'packages', 'client');
  const bench = join(root, 'bench');
  log('weight: bundling <cosmo-classroom>');
  const element = await bundle(
    'cosmo-classroom',
    "import './src/classroom/cosmo-classroom.ts';\n",
    client,
    [bundleStubs()],
  );
  log('weight: bundling CosmoClient alone');
  const sdk = await bundle(
    'cosmo-client',
    "export { CosmoClient } from './src/index.ts';\n",
    client,
    [bundleStubs()],
  );
  log('weight: bundling livekit-client');
  const livekit = await bundle('livekit-client', "export * from 'livekit-client';\n", bench);
  const livekitVersion = JSON.parse(
    readFileSync(join(bench, 'node_modules', 'livekit-client', 'package.json'), 'utf8'),
  ).version;
  const kb = (b) => b / 1024;
  const rows = [
    { label: '<cosmo-classroom> (SDK + UI), gzip', value: kb(element.gzip) },
    { label: 'CosmoClient (SDK only), gzip', value: kb(sdk.gzip) },
    {
      label: `baseline: livekit-client ${livekitVersion} (SDK only), gzip`,
      value: kb(livekit.gzip),
    },
  ];
  return {
    title: 'Client weight (KiB, minified + gzip)',
    unit: 'KiB',
    rows,
    table: {
      element,
      sdk,
      livekit: { ...livekit, version: livekitVersion },
      sdkOverLivekit: sdk.gzip / livekit.gzip,
      elementOverLivekit: element.gzip / livekit.gzip,
    },
  };
}

export function print(result) {
  const t = result.table;
  console.log('| bundle | raw KiB | gzip KiB | brotli KiB | gzip × livekit |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, b] of [
    ['<cosmo-classroom> (SDK + UI)', t.element],
    ['CosmoClient (SDK only)', t.sdk],
    [`livekit-client ${t.livekit.version}`, t.livekit],
  ]) {
    console.log(
      `| ${name} | ${(b.raw / 1024).toFixed(1)} | ${(b.gzip / 1024).toFixed(1)} | ${(b.brotli / 1024).toFixed(1)} | ${(b.gzip / t.livekit.gzip).toFixed(2)} |`,
    );
  }
}
