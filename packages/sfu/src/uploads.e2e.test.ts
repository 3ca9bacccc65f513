// Request bodies are read only once the request has been let in, within its route's limit, and
// uploads go to disk: an attacker without a token cannot make the server hold their bytes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rosterCsv } from '@cosmo/school/testing';
import { serve } from '@cosmo/testkit';
import { startEphemeralServer, type EphemeralServer } from './ephemeral.js';

const MiB = 1024 * 1024;
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** What came of an upload: the status (0: the connection failed first, -1: no answer in time). */
interface Outcome {
  status: number;
  /** Body bytes the client had written when the answer arrived. */
  written: number;
  body: string;
}

/**
 * POSTs `chunks` × `chunk` to `url`, honouring backpressure. `declare` sends a Content-Length for
 * the whole body (else it is chunked); `stopAfter` stops writing after that many chunks and waits.
 */
function upload(
  url: string,
  options: {
    headers?: Record<string, string>;
    chunk: Buffer;
    chunks: number;
    declare?: boolean;
    stopAfter?: number;
    timeoutMs?: number;
  },
): Promise<Outcome> {
  const { chunk, chunks, declare = true, stopAfter = chunks, timeoutMs = 20_000 } = options;
  return new Promise((resolve) => {
    let written = 0;
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
      req.destroy();
    };
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: {
        ...options.headers,
        ...(declare ? { 'content-length': String(chunk.byteLength * chunks) } : {}),
      },
    });
    const timer = setTimeout(() => settle({ status: -1, written, body: '' }), timeoutMs);
    req.flushHeaders();
    req.on('response', (res) => {
      // The answer's body comes in one piece; the connection may stay open a while after it.
      const status = res.statusCode ?? 0;
      const at = written;
      res.setEncoding('utf8');
      res.once('data', (body: string) => settle({ status, written: at, body }));
      res.on('end', () => settle({ status, written: at, body: '' }));
      res.on('error', () => settle({ status, written: at, body: '' }));
    });
    req.on('error', () => settle({ status: 0, written, body: '' }));
    let sent = 0;
    const pump = () => {
      while (!settled && sent < stopAfter) {
        sent++;
        const more = req.write(chunk, () => (written += chunk.byteLength));
        if (!more) {
          req.once('drain', pump);
          return;
        }
      }
      if (!settled && sent === chunks) req.end();
    };
    pump();
  });
}

const vmKb = (pid: number, field: 'VmRSS' | 'VmHWM') =>
  Number(
    new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1],
  );

describe.each(['uws', 'ws'] as const)('uploads over %s', (transport) => {
  describe('against cosmo serve', () => {
    const secret = 'uploads-test-secret-uploads-test-secret-uploads';
    let dataDir: string;
    let server: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'cosmo-uploads-'));
      server = await serve({
        COSMO_TRANSPORT: transport,
        COSMO_API_SECRET: secret,
        COSMO_DATA_DIR: dataDir,
        COSMO_LOG_LEVEL: 'error',
      });
    });
    afterAll(async () => {
      if (server?.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await new Promise((r) => server.child.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers ten concurrent 23 MB uploads without a token 401 without holding their bodies', async () => {
      const url = `http://127.0.0.1:${server.port}/api/handouts?class=2B&filename=x.pdf`;
      // Warm up the HTTP path, so that what grows is what the uploads cost.
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      const pid = server.child.pid!;
      const before = vmKb(pid, 'VmRSS');
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, vmKb(pid, 'VmRSS'))), 10);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => upload(url, { chunk: Buffer.alloc(MiB, 7), chunks: 23 })),
      );
      clearInterval(sampler);
      peak = Math.max(peak, vmKb(pid, 'VmRSS'));
      const growthMb = (peak - before) / 1024;
      console.info(
        `${transport}: server RSS ${Math.round(before / 1024)} MB before, peak ${Math.round(peak / 1024)} MB ` +
          `(+${growthMb.toFixed(1)} MB), ${Math.round(vmKb(pid, 'VmRSS') / 1024)} MB after`,
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(10).fill(401));
      expect(JSON.parse(outcomes[0]!.body)).toMatchObject({ code: 'NOT_AUTHORIZED' });
      // Buffering them costs 230 MB and more.
      expect(growthMb).toBeLessThan(60);
    });
  });

  describe('against an in-process server', () => {
    let t: EphemeralServer | undefined;
    let teacher: string;
    const uploadsDir = () => join(t!.server.config.dataDir, 'uploads');
    const url = () => `${t!.httpUrl}/api/handouts?class=2B&filename=worksheet.pdf`;
    beforeAll(async () => {
      t = await startEphemeralServer({ transport });
      t.server.school!.importRosterCsv(rosterCsv(1));
      teacher = await t.token('2B', 'tanaka', 'teacher');
    });
    afterAll(() => t?.close());
    afterEach(async () => {
      await expect.poll(() => readdirSync(uploadsDir())).toEqual([]);
    });

    it('answers an upload without a token 401 before its body is sent', async () => {
      const outcome = await upload(url(), {
        chunk: Buffer.alloc(MiB),
        chunks: 23,
        stopAfter: 0,
        timeoutMs: 3000,
      });
      expect(outcome.status).toBe(401);
    });

    it('answers an upload that declares more than 24 MB 413 before its body is sent', async () => {
      const outcome = await upload(url(), {
        headers: { authorization: `Bearer ${teacher}` },
        chunk: Buffer.alloc(MiB),
        chunks: 25,
        stopAfter: 1,
        timeoutMs: 3000,
      });
      expect(outcome.status).toBe(413);
      expect(JSON.parse(outcome.body)).toMatchObject({ message: /larger than 24 MB/ });
    });

    it('stops a chunked upload with 413 as soon as it passes 24 MB and deletes the partial file', async () => {
      const outcome = await upload(url(), {
        headers: { authorization: `Bearer ${teacher}` },
        chunk: Buffer.alloc(MiB),
        chunks: 64,
        declare: false,
      });
      expect(outcome.status).toBe(413);
      expect(outcome.written).toBeLessThan(64 * MiB);
    });

    it('refuses a student before reading the upload, and stores a teacher’s from its temporary file', async () => {
      const student = await t!.token('2B', 's1', 'student');
      const refused = await upload(url(), {
        headers: { authorization: `Bearer ${student}` },
        chunk: Buffer.alloc(MiB),
        chunks: 10,
        stopAfter: 0,
        timeoutMs: 3000,
      });
      expect(refused.status).toBe(403);

      const stored = await fetch(url(), {
        method: 'POST',
        headers: { authorization: `Bearer ${teacher}` },
        body: PDF,
      });
      expect(stored.status).toBe(201);
      const { id } = (await stored.json()) as { id: string };
      const back = await fetch(`${t!.httpUrl}/api/handouts/${id}?token=${teacher}`);
      expect(Buffer.from(await back.arrayBuffer()).equals(PDF)).toBe(true);
    });

    it('answers an admin call with a bad token 401 before its body is sent', async () => {
      const admin = await upload(`${t!.httpUrl}/api/admin/roster`, {
        headers: { authorization: 'Bearer nope' },
        chunk: Buffer.alloc(MiB),
        chunks: 5,
        stopAfter: 0,
        timeoutMs: 3000,
      });
      expect(admin.status).toBe(401);
    });

    it('a refusal answered before the body was read is well-formed HTTP a client can read', async () => {
      for (const body of [new Uint8Array(1), new Uint8Array(5 * MiB)]) {
        // Any number of 401 answers, each read in full by fetch (a malformed chunked answer
        // throws here).
        const res = await fetch(`${t!.httpUrl}/api/admin/roster`, { method: 'POST', body });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'NOT_AUTHORIZED' });
      }
    });
  });
});
