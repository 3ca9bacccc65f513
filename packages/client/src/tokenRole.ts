/**
 * A claim of a join token (`role`, `name`), read from its payload without checking the signature
 * (only the server can, and does): the element uses it to offer a teacher what only a teacher may
 * do, and to show who one joins as. Undefined for anything that is not a readable JWT.
 */
export function tokenClaim(token: string, claim: 'role' | 'name'): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const value = (JSON.parse(json) as Record<string, unknown>)[claim];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The role a join token names (see `tokenClaim`). */
export function tokenRole(token: string): string | undefined {
  return tokenClaim(token, 'role');
}
