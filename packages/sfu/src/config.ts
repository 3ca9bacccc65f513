import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { z } from 'zod';
import { CosmoError, ErrorCode } from '@cosmo/core';

const iceServer = z.object({
  urls: z.union([z.string(), z.array(z.string()).nonempty()]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

/** Every field of the configuration, each with its default. */
const ConfigFields = z
  .object({
    /** HTTP + WebSocket port. */
    port: z.number().int().min(0).max(65535).default(7880),
    /** Address the HTTP/WebSocket server binds. */
    host: z.string().default('0.0.0.0'),
    /**
     * The address other devices reach this server at (`https://cosmo.school.example`), used in the
     * demo's student links. Unset: the machine's LAN address when bound to all interfaces.
     */
    publicUrl: z.string().url().optional(),
    /** Where the server keeps its files (dev secret, database, handouts). */
    dataDir: z.string().default('.data'),
    /** Signs join tokens (HS256). Unset: dev mode generates one under dataDir and warns. */
    apiSecret: z.string().min(32, 'apiSecret must be at least 32 characters').optional(),
    /** Signalling transport: uWebSockets.js, or the `ws` package where uWS does not load. */
    transport: z.enum(['uws', 'ws']).default('uws'),
    /** mediasoup workers; 0 means one per core. */
    workers: z.number().int().min(0).max(256).default(0),
    /** IP the media sockets bind. */
    listenIp: z.string().default('127.0.0.1'),
    /** IP announced to clients in ICE candidates (a public IP behind NAT). */
    announcedIp: z.string().optional(),
    /**
     * Media on a few fixed ports: each worker runs a WebRTC server on UDP and TCP port
     * `mediaPort + n` (worker n). 0 picks free ports from the range. Off (`webRtcServer: false`),
     * each transport takes its own port from the range.
     */
    webRtcServer: z.boolean().default(true),
    mediaPort: z.number().int().min(0).max(65535).default(7882),
    /**
     * Consumers per worker past which a classroom opens a router on another worker. A student
     * watching the teacher is two (audio, video). mediasoup's guide says about 500 per worker; a
     * WebRTC student measured here costs 0.5% of a core (`pnpm bench fanout`), so 300 (about 150
     * students, three quarters of a core) leaves the worker room. Soft: when every worker is past
     * it, students still go to the least-loaded one.
     */
    consumersPerWorker: z.number().int().positive().default(300),
    rtcMinPort: z.number().int().min(1024).max(65535).default(40000),
    rtcMaxPort: z.number().int().min(1024).max(65535).default(49999),
    /** TURN/STUN servers handed to clients on join, as they are. */
    iceServers: z.array(iceServer).default([]),
    /**
     * A TURN server (coturn with `use-auth-secret`) for students whose network blocks the media
     * ports: each client gets credentials of its own on join, valid `ttlSeconds` (docs/deploy.md).
     */
    turn: z
      .object({
        /** coturn's `static-auth-secret`. */
        secret: z.string().min(16, 'turn.secret must be at least 16 characters'),
        /** e.g. turn:turn.example.org:3478?transport=udp, turns:turn.example.org:443?transport=tcp */
        urls: z
          .array(
            // What browsers accept (RFC 7065): no user@, transport udp or tcp only.
            z
              .string()
              .regex(
                /^turns?:[^\s@?/]+(\?transport=(udp|tcp))?$/,
                'TURN urls are turn:HOST[:PORT][?transport=udp|tcp] or turns:… (no user@, no other transport)',
              ),
          )
          .min(1),
        ttlSeconds: z
          .number()
          .int()
          .min(60)
          .max(7 * 86_400)
          .default(86_400),
      })
      .strict()
      .optional(),
    /**
     * Serve HTTPS and WSS on `port` with this certificate and key (PEM files; the certificate file
     * may hold the chain). Unset: plain HTTP, for a reverse proxy that terminates TLS in front.
     */
    tls: z.object({ cert: z.string(), key: z.string() }).strict().optional(),
    /** Largest accepted client frame, in bytes. */
    maxFrameBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(64 * 1024),
    /**
     * Largest setLesson frame a moderator may send, in bytes: the lesson, its glossary and every
     * translation in one request. 1 MiB holds a 100,000-character Chinese or Japanese text (300 KB
     * of UTF-8) with two translations as long, or a whole lecture's script with 16 translations.
     * Other requests, and everyone else's, stay under `maxFrameBytes` (a lesson may always be as
     * large as that); at most 3 MiB, so that the lesson sent back to moderators fits a client's
     * 4 MiB server frame.
     */
    maxLessonBytes: z
      .number()
      .int()
      .min(1024)
      .max(3 * 1024 * 1024)
      .default(1024 * 1024),
    /** Token bucket per connection: sustained requests per second, and burst size. */
    rateLimit: z
      .object({
        perSecond: z.number().positive().default(50),
        burst: z.number().int().positive().default(100),
      })
      .default({}),
    /**
     * Limits per person (token identity), held across every socket of theirs: reconnecting in a
     * loop does not refill them.
     */
    identityLimits: z
      .object({
        requestsPerSecond: z.number().positive().default(50),
        requestBurst: z.number().int().positive().default(100),
        chatPerSecond: z.number().positive().default(5),
        chatBurst: z.number().int().positive().default(30),
        joinsPerMinute: z.number().positive().default(30),
        joinBurst: z.number().int().positive().default(10),
      })
      .default({}),
    /**
     * A socket that has not joined or resumed this long after opening, or after its participant
     * left, is closed (TIMEOUT, then close code 1008), in milliseconds.
     */
    joinTimeoutMs: z.number().int().min(100).default(10_000),
    /**
     * Limits per client address. A school's 300+ students often share one NAT address, hence the
     * generous defaults. `sockets`: open WebSockets (0: no limit; one more is refused with 429);
     * `httpPerSecond` and `httpBurst`: a token bucket charged for each HTTP request without a
     * credential (no Authorization header, no `token` parameter) and each answered 401.
     */
    addressLimits: z
      .object({
        sockets: z.number().int().min(0).default(1000),
        httpPerSecond: z.number().positive().default(50),
        httpBurst: z.number().int().positive().default(500),
      })
      .default({}),
    /**
     * The server sits behind a reverse proxy (nginx): a client's address is the last
     * `X-Forwarded-For` entry. Never set it on a server clients reach directly (they could pick
     * any address).
     */
    trustProxy: z.boolean().default(false),
    /** Bad frames or rate-limit hits tolerated per connection before it is closed. */
    maxViolations: z.number().int().positive().default(20),
    /** Bytes queued on a socket above which non-critical events are dropped. */
    backpressureBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** How long a dropped session waits for its client to resume, in milliseconds. */
    resumeGraceMs: z.number().int().min(0).default(15_000),
    /** Largest classroom. */
    maxParticipants: z.number().int().positive().default(1000),
    /** Live captions (pocketsphinx + apertium when installed; `cosmo doctor` says what is). */
    captions: z.boolean().default(true),
    /**
     * The lesson model's share of the recogniser's language model, mixed with general English:
     * higher keeps lesson sentences exact, lower recognises everyday speech better (docs/captions.md
     * has the measurements behind the default).
     */
    captionLessonWeight: z.number().gt(0).lt(1).optional(),
    /** Captions whose confidence (0–1) is below this are shown as uncertain and not translated. */
    captionUncertainBelow: z.number().min(0).max(1).optional(),
    /**
     * pocketsphinx's cepstral mean for a voice it has not heard yet (see calibrateCmn); each
     * teacher's own is learnt as she speaks and kept in <dataDir>/voices.json.
     */
    captionCmnInit: z
      .string()
      .regex(/^-?[\d.]+(,-?[\d.]+)*$/, 'captionCmnInit must be comma-separated numbers')
      .optional(),
    /**
     * A whisper.cpp ggml model (`cosmo models pull base`) for lessons in languages pocketsphinx
     * does not know (Japanese, Chinese…). Checked and loaded at startup.
     */
    captionWhisperModel: z.string().optional(),
    /**
     * Where the machine-translation models are (`cosmo models pull opus-mt-en-zh` puts them in
     * <dataDir>/models, the default): each folder with a cosmo-model.json is loaded on first use.
     */
    captionTranslationModels: z.string().optional(),
    /** The school features (roster, attendance, leave, notices, chat history) in <dataDir>/cosmo.db. */
    school: z.boolean().default(true),
    /** The shared board's limits (docs/board.md). */
    board: z
      .object({
        /** The largest board message, in bytes (frames are also bounded by maxFrameBytes). */
        messageBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(64 * 1024),
        /** What one student may add in all, in bytes (moderators: 16 times that). */
        studentBytes: z
          .number()
          .int()
          .min(1024)
          .default(2 * 1024 * 1024),
        /** Changes per second per person (bursts of twice that). */
        changesPerSecond: z.number().positive().default(30),
        /** Cursor moves relayed per second per person. */
        cursorsPerSecond: z.number().positive().default(15),
        /** A snapshot of the board after this many changes (and each minute, and at close). */
        snapshotEvery: z.number().int().min(1).default(200),
      })
      .default({}),
    /**
     * Recording lectures (docs/recordings.md): a moderator starts it; segments are written under
     * <dataDir>/recordings and joined into one WebM with captions when the lecture ends. Needs
     * ffmpeg and the school records.
     */
    recording: z
      .object({
        /** Moderators may record (off: StartRecording is refused with UNAVAILABLE). */
        enabled: z.boolean().default(true),
        /** Published recordings are purged this many days after publishing (0: kept for ever). */
        retentionDays: z.number().min(0).default(90),
        /** The published video's size and rate. */
        width: z.number().int().min(160).max(3840).default(1280),
        height: z.number().int().min(120).max(2160).default(720),
        fps: z.number().int().min(1).max(60).default(15),
        videoKbps: z.number().int().min(100).max(20000).default(1200),
        audioKbps: z.number().int().min(16).max(510).default(64),
        /** Encoder threads while publishing (it runs at a low priority). */
        publishThreads: z.number().int().min(1).max(16).default(2),
        /** Keep the raw segments after publishing (for re-publishing; they take as much space again). */
        keepSegments: z.boolean().default(false),
      })
      .default({}),
    /** Unread notices are pushed again this often, at most `reminderLimit` times. */
    reminderIntervalMs: z
      .number()
      .int()
      .min(1000)
      .default(10 * 60_000),
    reminderLimit: z.number().int().min(0).max(100).default(3),
    /**
     * The page a push or an email opens a notice on (the classroom's inbox): `?notice=ID&receipt=
     * TOKEN` is added. Unset: `publicUrl`, else this server's own address.
     */
    inboxUrl: z.string().url().optional(),
    /** Web Push of urgent notices to the devices of students who are not connected. */
    push: z.boolean().default(true),
    /**
     * Who runs this server, for push services' operators (the VAPID `sub`): `mailto:` or `https:`.
     * Unset: `publicUrl`. Apple's push service refuses `localhost` here.
     */
    pushSubject: z
      .string()
      .regex(/^(mailto:|https:\/\/)/, 'pushSubject must start with mailto: or https://')
      .optional(),
    /** How long a push service keeps a push for a device that is offline, in seconds. */
    pushTtlSeconds: z.number().int().min(0).max(2_419_200).default(86_400),
    /**
     * The push services a subscription may point at (a leading dot: any subdomain). The default
     * lists Chrome's, Edge's, Firefox's and Safari's; a subscription elsewhere is refused.
     */
    pushEndpointHosts: z.array(z.string().min(1)).optional(),
    /** An urgent notice still unread this long after it was sent is emailed (the sender may choose). */
    noticeEmailDelayMs: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400_000)
      .default(10 * 60_000),
    /** A connected recipient whose page has not acknowledged an urgent notice after this long is pushed it. */
    noticePushGraceMs: z.number().int().min(0).default(30_000),
    /**
     * When the daily digest of non-urgent notices still unread is emailed (`HH:MM` in `timeZone`),
     * to people whose `notify_email` is `all`.
     */
    noticeDigestAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'noticeDigestAt must be HH:MM')
      .default('17:00'),
    /** The school's time zone (IANA name, `Asia/Tokyo`): when the daily digest goes out. */
    timeZone: z
      .string()
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: 'timeZone must be an IANA time zone such as Asia/Tokyo' },
      )
      .default('UTC'),
    /** The mail server for notices' emails; unset: no email. */
    smtpHost: z.string().min(1).optional(),
    smtpPort: z.number().int().min(1).max(65535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    smtpSecure: z.boolean().default(false),
    smtpUser: z.string().optional(),
    smtpPass: z.string().optional(),
    /** The sender of notices' emails: `"Tokyo International" <notices@school.example>`. */
    smtpFrom: z.string().optional(),
    /** Serves the demo API (creates classes, mints their tokens): never on a school's server. */
    demo: z.boolean().default(false),
    /**
     * Cluster mode (docs/cluster.md): several `cosmo serve` nodes share one school. Unset: one node,
     * SQLite, the default. Every node of a cluster has the same apiSecret and the same cluster
     * settings but its own `nodeId` and `url`.
     */
    cluster: z
      .object({
        /** The node registry and message bus (`redis://10.0.0.5:6379`, `rediss://` for TLS). */
        redisUrl: z
          .string()
          .url()
          .refine((u) => /^rediss?:\/\//.test(u), 'redisUrl is redis://HOST:PORT or rediss://…'),
        /** Names in Redis start with it: clusters sharing one Redis keep apart by prefix. */
        prefix: z
          .string()
          .regex(
            /^[A-Za-z0-9._-]{1,64}$/,
            'prefix is 1–64 letters, digits, dots, dashes or underscores',
          )
          .default('cosmo'),
        /** The school's records, shared by every node (`postgresql://cosmo@10.0.0.6/cosmo`). */
        postgresUrl: z.string().url().optional(),
        /** This node's name in the registry; unset: `<hostname>-<port>`. */
        nodeId: z
          .string()
          .regex(
            /^[A-Za-z0-9._-]{1,64}$/,
            'nodeId is 1–64 letters, digits, dots, dashes or underscores',
          )
          .optional(),
        /**
         * Where clients reach this node's signalling (`wss://node-2.school.example/ws`): where the
         * others redirect joins to it. Unset: from publicUrl, else `ws://<host>:<port>/ws`.
         */
        url: z.string().url().optional(),
        /** Participants this node takes in all; a node at its limit gets nobody new. */
        seats: z.number().int().positive().default(2000),
        /**
         * Participants one node takes in one classroom before another node serves the rest (the
         * teacher's media is piped to it). mediasoup's guide: about 500 consumers a worker.
         */
        seatsPerClassroom: z.number().int().positive().default(500),
        /** How often a node beats, and how long without a beat it is dead. */
        heartbeatMs: z.number().int().min(100).default(1000),
        deadAfterMs: z.number().int().min(500).default(5000),
      })
      .strict()
      .refine((c) => c.deadAfterMs >= 2 * c.heartbeatMs, {
        message:
          'deadAfterMs must be at least twice heartbeatMs (and the same on every node), or the ' +
          'others drop this node between two of its beats',
        path: ['deadAfterMs'],
      })
      .optional(),
    /** Serves these static files (the built demo app) on the same port. */
    staticDir: z.string().optional(),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  // A misspelt key ("webRTCServer") is an error, not a setting silently left at its default.
  .strict();

/** The server's configuration, validated; every field has a sensible default. */
export const ConfigSchema = ConfigFields.refine((c) => c.rtcMinPort <= c.rtcMaxPort, {
  message: 'rtcMinPort must not exceed rtcMaxPort',
  path: ['rtcMinPort'],
}).refine((c) => !c.smtpHost || !!c.smtpFrom, {
  message: 'smtpFrom is required with smtpHost (the address notices are emailed from)',
  path: ['smtpFrom'],
});

/** Validated server configuration. */
export type Config = z.output<typeof ConfigSchema>;
/** What a caller may pass; missing fields get defaults. */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Names kept from before every key had its own variable (see `envName`). */
const ENV_ALIASES: Record<string, keyof ConfigInput> = {
  COSMO_WEBRTC_SERVER: 'webRtcServer',
  COSMO_WHISPER_MODEL: 'captionWhisperModel',
};

/** The environment variable of a config key: `consumersPerWorker` → `COSMO_CONSUMERS_PER_WORKER`. */
export function envName(key: string): string {
  return 'COSMO_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/** How a variable's text becomes the field's value: as is, as a number, or as JSON. */
function envType(field: z.ZodTypeAny): 'string' | 'number' | 'json' {
  let inner = field;
  for (;;) {
    if (inner instanceof z.ZodDefault) inner = inner._def.innerType;
    else if (inner instanceof z.ZodOptional) inner = inner.unwrap();
    else if (inner instanceof z.ZodEffects) inner = inner.innerType();
    else break;
  }
  if (inner instanceof z.ZodNumber) return 'number';
  if (inner instanceof z.ZodString || inner instanceof z.ZodEnum) return 'string';
  return 'json';
}

/** Every config key has a `COSMO_*` variable (objects, lists and booleans as JSON). */
const envMap: Record<string, { key: keyof ConfigInput; type: 'string' | 'number' | 'json' }> = {
  ...Object.fromEntries(
    Object.entries(ConfigFields.shape).map(([key, field]) => [
      envName(key),
      { key: key as keyof ConfigInput, type: envType(field as z.ZodTypeAny) },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(ENV_ALIASES).map(([name, key]) => [
      name,
      { key, type: envType(ConfigFields.shape[key] as z.ZodTypeAny) },
    ]),
  ),
};

/** COSMO_* variables that are not configuration keys: where helpers are cached, and internals. */
const NOT_CONFIG = new Set(['COSMO_CACHE_DIR', 'COSMO_WHISPER_MODULE']);

/** The known variable nearest to a misspelt one (same letters once underscores are dropped, or one edit away). */
function closestEnvName(name: string): string | undefined {
  const bare = (s: string) => s.replace(/_/g, '');
  const known = Object.keys(envMap);
  const same = known.find((k) => bare(k) === bare(name));
  if (same) return same;
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const here = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length]!;
  };
  return known.find((k) => distance(k, name) <= 2);
}

/**
 * Reads the configuration: defaults, then the JSON file (if any), then `COSMO_*` environment
 * variables, then `overrides`. Throws `INVALID_ARGUMENT` listing every bad field.
 */
export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigInput } = {},
): Config {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `cannot read config file ${options.file}: ${(err as Error).message}`,
      );
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new CosmoError(
        ErrorCode.INVALID_ARGUMENT,
        `config file ${options.file} is not valid JSON: ${(err as Error).message}`,
      );
    }
  }
  const fromEnv: Record<string, unknown> = {};
  // Every problem is listed in one error: a misspelt or unreadable variable, then bad values.
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('COSMO_') || envMap[name] || NOT_CONFIG.has(name)) continue;
    const near = closestEnvName(name);
    problems.push(`  ${name}: unknown variable${near ? ` (did you mean ${near}?)` : ''}`);
  }
  for (const [name, { key, type }] of Object.entries(envMap)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (type === 'number') {
      if (Number.isNaN(Number(raw))) problems.push(`  ${name}=${raw} is not a number`);
      else fromEnv[key] = Number(raw);
    } else if (type === 'json') {
      try {
        fromEnv[key] = JSON.parse(raw);
      } catch {
        problems.push(`  ${name} must be JSON`);
      }
    } else fromEnv[key] = raw;
  }
  const result = ConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...options.overrides });
  if (!result.success)
    problems.push(
      ...result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  if (problems.length || !result.success)
    throw new CosmoError(
      ErrorCode.INVALID_ARGUMENT,
      `invalid configuration:\n${problems.join('\n')}`,
    );
  return result.data;
}

/** The number of mediasoup workers to run: the configured count, or one per core. */
export function workerCount(config: Config): number {
  return config.workers > 0 ? config.workers : Math.max(1, cpus().length);
}
