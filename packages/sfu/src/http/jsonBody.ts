import type { z } from 'zod';
import { CosmoError, ErrorCode, parseJsonWellFormed } from '@cosmo/core';
import type { HttpRequest } from './types.js';

/**
 * A request's JSON body checked against `schema`: INVALID_ARGUMENT naming the first field that is
 * wrong (or saying the body is not JSON). An empty body is `{}`.
 */
export function parseJsonBody<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, req: HttpRequest): T {
  let value: unknown;
  try {
    value = parseJsonWellFormed(new TextDecoder().decode(req.body) || '{}');
  } catch {
    throw new CosmoError(ErrorCode.INVALID_ARGUMENT, 'the body must be JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  return result.data;
}
