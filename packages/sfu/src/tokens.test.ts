import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenService, parseDuration, resolveApiSecret } from './tokens.js';

const secret = 'a-very-long-secret-for-signing-join-tokens-0123';
const claims = { room: 'math-3b', identity: 'aiko', name: 'Aiko', role: 'student' as const };

describe('join tokens', () => {
  const tokens = new TokenService(secret);

  it('carry identity, name, room, role and grants', async () => {
    const jwt = await tokens.mint({ ...claims, grants: { speak: true } });
    expect(await tokens.verify(jwt, 'math-3b')).toEqual({
      ...claims,
      grants: { speak: true },
      issuedAt: expect.any(Number),
    });
  });

  it('an expired token is refused', async () => {
    const jwt = await tokens.mint(claims, -5);
    await expect(tokens.verify(jwt)).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: 'the join token has expired',
    });
  });

  it('a tampered token is refused', async () => {
    const [header, payload, signature] = (await tokens.mint(claims)).split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.role = 'teacher';
    const tampered = [
      header,
      Buffer.from(JSON.stringify(forged)).toString('base64url'),
      signature,
    ].join('.');
    await expect(tokens.verify(tampered)).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: 'the join token signature is invalid',
    });
  });

  it('a token signed with another secret is refused', async () => {
    const other = await new TokenService('x'.repeat(40)).mint(claims);
    await expect(tokens.verify(other)).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
  });

  it('a token for another classroom is refused', async () => {
    const jwt = await tokens.mint(claims);
    await expect(tokens.verify(jwt, 'physics-1a')).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: 'the join token is for another classroom',
    });
  });

  it('a missing or malformed token is refused', async () => {
    await expect(tokens.verify('')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    await expect(tokens.verify(undefined)).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
    await expect(tokens.verify('not.a.jwt')).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: 'the join token is malformed',
    });
  });

  it('short secrets and unknown roles are programming errors', async () => {
    expect(() => new TokenService('short')).toThrow(TypeError);
    await expect(tokens.mint({ ...claims, role: 'principal' as never })).rejects.toThrow(TypeError);
  });

  it('durations read like people write them', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('7d')).toBe(7 * 86400);
    expect(() => parseDuration('soon')).toThrow(/invalid duration/);
  });

  it('dev mode generates a secret once and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cosmo-secret-'));
    const warned: string[] = [];
    const first = resolveApiSecret(undefined, dir, (p) => warned.push(p));
    const second = resolveApiSecret(undefined, dir, (p) => warned.push(p));
    expect(first).toBe(second);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'dev-secret'), 'utf8').trim()).toBe(first);
    expect(warned).toHaveLength(2);
    expect(resolveApiSecret('configured-secret', dir, () => warned.push('x'))).toBe(
      'configured-secret',
    );
    expect(warned).toHaveLength(2);
  });

  it('repairs a lone surrogate in the identity, room and name it carries', async () => {
    const jwt = await tokens.mint({
      identity: 's4\udfff',
      name: 'Eve\ud800',
      room: 'r\udc00',
      role: 'student',
    });
    expect(await tokens.verify(jwt)).toMatchObject({
      identity: 's4\ufffd',
      name: 'Eve\ufffd',
      room: 'r\ufffd',
    });
  });
});
