import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestBody, UPLOAD_FILE_PREFIX, prepareUploadDir } from './RequestBody.js';

const dir = () => mkdtempSync(join(tmpdir(), 'cosmo-body-'));

describe('a request body', () => {
  it('is kept in memory up to its limit and refused at the byte past it', async () => {
    const body = new RequestBody({ maxBytes: 6 }, dir());
    const chunk = new Uint8Array([1, 2, 3]);
    expect(body.write(chunk)).toBe(true);
    chunk.fill(9); // the transport reuses its memory: the body has its own copy
    expect(body.write(new Uint8Array([4, 5, 6]))).toBe(true);
    expect([...(await body.end()).body]).toEqual([1, 2, 3, 4, 5, 6]);
    const over = new RequestBody({ maxBytes: 6 }, dir());
    expect(over.write(new Uint8Array(7))).toBe(false);
  });

  it('is streamed to a file in the upload dir, which discard deletes', async () => {
    const uploads = dir();
    const body = new RequestBody({ maxBytes: 1024, toFile: true }, uploads);
    body.write(Buffer.from('hello '));
    body.write(Buffer.from('world'));
    const { bodyFile } = await body.end();
    expect(readFileSync(bodyFile!, 'utf8')).toBe('hello world');
    await body.discard();
    expect(existsSync(bodyFile!)).toBe(false);
  });

  it('deletes its partial file when it is refused for size', async () => {
    const uploads = dir();
    const body = new RequestBody({ maxBytes: 8, toFile: true }, uploads);
    expect(body.write(Buffer.from('12345'))).toBe(true);
    expect(body.write(Buffer.from('6789'))).toBe(false);
    await body.discard();
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('finds the upload dir cleared of uploads a crash left behind, and nothing else', async () => {
    const uploads = dir();
    writeFileSync(join(uploads, `${UPLOAD_FILE_PREFIX}stale`), 'x');
    writeFileSync(join(uploads, 'keep.txt'), 'x');
    await prepareUploadDir(uploads);
    expect(readdirSync(uploads)).toEqual(['keep.txt']);
  });
});
