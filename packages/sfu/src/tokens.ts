import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { CosmoError, ErrorCode, isRole, wellFormed, type Role } from '@cosmo/core';

/** What a join token grants. */
export interface JoinClaims {
  /** Stable user id (the school's id for the person). */
  identity: string;
  /** Display name. */
  name: string;
  /** Classroom the token admits to. */
  room: string;
  role: Role;
  /** Extra rights granted up front, e.g. a student allowed to speak from the start. */
  grants?: { speak?: boolean; video?: boolean; screen?: boolean; draw?: boolean };
  /** When the token was signed (ms since the epoch, to the second); set by `verify`. */
  issuedAt?: number;
}

const ISSUER = 'cosmo';
const AUDIENCE = 'cosmo-classroom';

/** The longest display name a token may give (longer ones are cut). */
const MAX_NAME_CHARS = 100;

/** How far ahead of this server's clock a token's issue time may be (the signer's clock). */
const MAX_CLOCK_SKEW_MS = 60_000;

/** Parses durations like `90s`, `30m`, `2h`, `7d` into seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new TypeError(`invalid duration '${text}': use e.g. 90s, 30m, 2h, 7d`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Signs and verifies join tokens (HS256 JWTs). */
export class TokenService {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    if (secret.length < 32) throw new TypeError('the API secret must be at least 32 characters');
    this.#key = new TextEncoder().encode(secret);
  }

  /** Mints a token valid for `ttlSeconds` (default two hours). */
  async mint(claims: JoinClaims, ttlSeconds = 2 * 3600): Promise<string> {
    if (!isRole(claims.role)) throw new TypeError(`unknown role '${String(claims.role)}'`);
    if (!claims.identity || !claims.room) throw new TypeError('identity and room are required');
    const body = {
      name: claims.name,
      room: claims.room,
      role: claims.role,
      ...(claims.grants ? { grants: claims.grants } : {}),
    };
    return this.signRaw(body, claims.identity, AUDIENCE, ttlSeconds);
  }

  /** Signs arbitrary claims for `audience` (admin tokens). */
  async signRaw(
    claims: Record<string, unknown>,
    subject: string,
    audience: string,
    ttlSeconds: number,
  ): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.#key);
  }

  /** Verifies a token for `audience`; NOT_AUTHORIZED with the reason otherwise. */
  async verifyRaw(token: string | null | undefined, audience: string): Promise<JWTPayload> {
    if (!token) throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'a token is required');
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience,
      });
      return payload;
    } catch (err) {
      throw new CosmoError(ErrorCode.NOT_AUTHORIZED, reasonOf(err, KINDS[audience] ?? 'token'));
    }
  }

  /**
   * Verifies a token, and that it admits to `room` when given. Throws `NOT_AUTHORIZED` with the
   * reason for a missing, malformed, tampered, expired or wrong-room token.
   */
  async verify(token: string | null | undefined, room?: string): Promise<JoinClaims> {
    if (!token) throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'a join token is required');
    const payload = await this.verifyRaw(token, AUDIENCE);
    const { sub, name, role, grants, iat } = payload;
    const claimRoom = payload['room'];
    if (typeof sub !== 'string' || typeof claimRoom !== 'string' || !isRole(role)) {
      throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'the join token lacks identity, room or role');
    }
    if (room !== undefined && claimRoom !== room) {
      throw new CosmoError(ErrorCode.NOT_AUTHORIZED, `the join token is for another classroom`);
    }
    // A token "signed" in the future would outlive the end of its class (see CLASS_ENDED).
    if (typeof iat === 'number' && iat * 1000 > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw new CosmoError(
        ErrorCode.NOT_AUTHORIZED,
        'the join token was issued in the future: check the clock of whoever signs it',
      );
    }
    return {
      // Ids travel in every event: repaired like any client text (a lone surrogate has no UTF-8).
      identity: wellFormed(sub),
      // Shown to everyone in lists and events: a signer's 10,000-character name is cut.
      name: [...wellFormed(typeof name === 'string' && name ? name : sub)]
        .slice(0, MAX_NAME_CHARS)
        .join(''),
      room: wellFormed(claimRoom),
      role,
      ...(grants && typeof grants === 'object' ? { grants: grants as JoinClaims['grants'] } : {}),
      ...(typeof iat === 'number' ? { issuedAt: iat * 1000 } : {}),
    };
  }
}

/** What an admin token grants: the school's own systems acting for one school. */
export interface AdminClaims {
  /** The admin's person id on the roster. */
  identity: string;
  schoolId: string;
}

const ADMIN_AUDIENCE = 'cosmo-admin';

/** Mints an admin API token (HS256, audience `cosmo-admin`). */
export async function mintAdminToken(
  service: TokenService,
  claims: AdminClaims,
  ttlSeconds = 3600,
): Promise<string> {
  return service.signRaw({ school: claims.schoolId }, claims.identity, ADMIN_AUDIENCE, ttlSeconds);
}

/** Verifies an admin API token; NOT_AUTHORIZED otherwise. */
export async function verifyAdminToken(
  service: TokenService,
  token: string | undefined,
): Promise<AdminClaims> {
  const payload = await service.verifyRaw(token, ADMIN_AUDIENCE);
  if (typeof payload.sub !== 'string' || typeof payload['school'] !== 'string') {
    throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'the admin token lacks identity or school');
  }
  return { identity: payload.sub, schoolId: payload['school'] };
}

const RECEIPT_AUDIENCE = 'cosmo-receipt';

/** A notice's receipt token names one recipient of one notice. */
export interface ReceiptClaims {
  personId: string;
  noticeId: string;
}

/**
 * Mints a receipt token (audience `cosmo-receipt`): carried by a push and an email's link, it lets
 * its recipient read that one notice and acknowledge it, long after their join token expired.
 */
export async function mintReceiptToken(
  service: TokenService,
  claims: ReceiptClaims,
  ttlSeconds = 30 * 86_400,
): Promise<string> {
  return service.signRaw({ nid: claims.noticeId }, claims.personId, RECEIPT_AUDIENCE, ttlSeconds);
}

/** Verifies a receipt token; NOT_AUTHORIZED otherwise. */
export async function verifyReceiptToken(
  service: TokenService,
  token: string | undefined,
): Promise<ReceiptClaims> {
  const payload = await service.verifyRaw(token, RECEIPT_AUDIENCE);
  if (typeof payload.sub !== 'string' || typeof payload['nid'] !== 'string')
    throw new CosmoError(ErrorCode.NOT_AUTHORIZED, 'the receipt token lacks person or notice');
  return { personId: payload.sub, noticeId: payload['nid'] };
}

/** What a token of each audience is called in messages. */
const KINDS: Record<string, string> = {
  [AUDIENCE]: 'join token',
  [RECEIPT_AUDIENCE]: 'receipt token',
};

function reasonOf(err: unknown, kind: string): string {
  if (err instanceof joseErrors.JWTExpired) return `the ${kind} has expired`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return `the ${kind} signature is invalid`;
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `the ${kind} is not valid here (${err.claim})`;
  return `the ${kind} is malformed`;
}

/**
 * The API secret: the configured one, or in dev mode one generated once and kept in
 * `<dataDir>/dev-secret`. `onDevSecret` is told the path so the caller can warn loudly.
 */
export function resolveApiSecret(
  configured: string | undefined,
  dataDir: string,
  onDevSecret: (path: string) => void,
): string {
  if (configured) return configured;
  const path = join(dataDir, 'dev-secret');
  let secret: string;
  try {
    secret = readFileSync(path, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    writeFileSync(path, secret + '\n', { mode: 0o600 });
  }
  onDevSecret(path);
  return secret;
}
