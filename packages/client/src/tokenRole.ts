/**
 * The role a join token names, read from its payload without checking the signature (only the
 * server can, and does): the element uses it to offer a teacher what only a teacher may do.
 * Undefined for anything that is not a readable JWT.
 */
export function tokenRole(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const role = (JSON.parse(json) as { role?: unknown }).role;
    return typeof role === 'string' ? role : undefined;
  } catch {
    return undefined;
  }
}
