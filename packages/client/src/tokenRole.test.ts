import { describe, expect, it } from 'vitest';
import { tokenClaim, tokenRole } from './tokenRole.js';

const jwt = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('reading the role of a join token', () => {
  it('reads the role of a well-formed token, with any characters in its name', () => {
    expect(tokenRole(jwt({ role: 'teacher', name: '田中 ゆい?>' }))).toBe('teacher');
    expect(tokenRole(jwt({ role: 'student' }))).toBe('student');
  });

  it('gives nothing for what is not a token', () => {
    expect(tokenRole('')).toBeUndefined();
    expect(tokenRole('abc')).toBeUndefined();
    expect(tokenRole('a.!!!.c')).toBeUndefined();
    expect(tokenRole(jwt({ name: 'x' }))).toBeUndefined();
  });
});

describe('reading the name of a join token', () => {
  it('reads the name, in any script', () => {
    expect(tokenClaim(jwt({ role: 'student', name: '田中 ゆい' }), 'name')).toBe('田中 ゆい');
    expect(tokenClaim(jwt({ role: 'student' }), 'name')).toBeUndefined();
  });
});
