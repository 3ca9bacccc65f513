// memory: the server's resident memory per idle connected student. N students join one classroom
// (token, join, send transport, as in the join storm) against `cosmo serve` in its own process,
// then sit idle; after a full garbage collection in the server (through the V8 inspector),
// (RSS after − RSS before) / N and the same for the JS heap, with the product's stack (uWS + protobuf) and the
// baseline stack (ws + JSON) on the same server logic, in the same run.
import { rss, serve } from '../server.mjs';
import { STACKS, storm } from './join.mjs';

/** The server's V8 heap in use, from its Prometheus metrics. */
async function heapUsed(server) {
  const text = await (await fetch(`${server.http}/metrics`)).text();
  return Number(/^\S*nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
}

/**
 * @param {{ students?: number, settleMs?: number, log?: (line: string) => void }} [options]
 */
export async function run(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const n = options.students ?? Number(process.env.BENCH_MEMORY_STUDENTS ?? 1000);
  const settleMs = options.settleMs ?? 3000;
  const table = [];
  for (const stack of STACKS) {
    const server = await serve({ transport: stack.transport, inspect: true });
    try {
      // Warm up once (classroom code paths, JIT, worker router), then weigh a clean round.
      const warm = await storm(server, stack, 'memory-warm-up', 10);
      for (const c of warm.clients) c.close();
      await new Promise((r) => setTimeout(r, 1000));
      await server.collectGarbage();
      const before = rss(server.pid);
      const heapBefore = await heapUsed(server);
      log(`memory: ${n} idle students over ${stack.name}`);
      const { clients } = await storm(server, stack, 'memory', n);
      await new Promise((r) => setTimeout(r, settleMs));
      await server.collectGarbage();
      const after = rss(server.pid);
      const heapAfter = await heapUsed(server);
      table.push({
        stack: stack.name,
        students: n,
        baseBytes: before,
        bytesPerStudent: (after - before) / n,
        heapBytesPerStudent: (heapAfter - heapBefore) / n,
      });
      for (const c of clients) c.close();
    } finally {
      await server.close();
    }
  }
  const [product, baseline] = table;
  return {
    title: `Memory per idle connected student (${n} in one classroom)`,
    unit: 'KiB',
    rows: table.map((r, i) => ({
      label: `${i === 0 ? '' : 'baseline: '}${r.stack}`,
      value: r.bytesPerStudent / 1024,
    })),
    table,
    overBaseline: product.bytesPerStudent / baseline.bytesPerStudent,
  };
}

export function print(result) {
  console.log(
    '| stack | idle students | server RSS before MiB | RSS KiB per student | JS heap KiB per student |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of result.table) {
    console.log(
      `| ${r.stack} | ${r.students} | ${(r.baseBytes / 2 ** 20).toFixed(0)} | ${(r.bytesPerStudent / 1024).toFixed(1)} | ${(r.heapBytesPerStudent / 1024).toFixed(1)} |`,
    );
  }
  console.log(
    `\nan idle student over uWS + protobuf weighs ${result.overBaseline.toFixed(2)}× one over ws + JSON`,
  );
}
