import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CachedContentStore } from './CachedContentStore.js';
import { ContentStore } from './ContentStore.js';

describe('a shared content store with a local copy per node', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'cosmo-cache-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reads a file from the shared store once, then from its own copy', async () => {
    const sharedDir = dir();
    const shared = new ContentStore(sharedDir);
    const nodeA = new CachedContentStore(shared, new ContentStore(dir()));
    const nodeB = new CachedContentStore(shared, new ContentStore(dir()));
    const file = join(dir(), 'kana.pdf');
    const bytes = Buffer.from('あいうえお\0\\x00 handout');
    writeFileSync(file, bytes);
    const sha256 = await nodeA.putFile(file);
    expect(await nodeB.get(sha256)).toEqual(bytes);
    // Node B keeps its copy: the shared store losing the file no longer matters to it.
    rmSync(sharedDir, { recursive: true, force: true });
    expect(await nodeB.get(sha256)).toEqual(bytes);
    expect(await nodeA.get(sha256)).toEqual(bytes);
    const nodeC = new CachedContentStore(shared, new ContentStore(dir()));
    await expect(nodeC.get(sha256)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(nodeC.get('not-an-address')).rejects.toThrow(TypeError);
  });
});
