// Wires the school's delivery ladder to this server: Web Push with the data dir's VAPID keys,
// email through the configured SMTP server, links to the inbox signed with the API secret.
import type { Logger } from 'pino';
import {
  DEFAULT_PUSH_ENDPOINT_HOSTS,
  SmtpEmailChannel,
  WebPushChannel,
  loadVapidKeys,
  type DeliveryLadder,
  type School,
} from '@cosmo/school';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import { mintReceiptToken, type TokenService } from '../tokens.js';

/** The channels a server sends notices on, beyond the open page. */
export interface NoticeChannels {
  /** Web Push, unless `push: false`. */
  push: WebPushChannel | undefined;
  /** The push services a subscription may point at. */
  endpointHosts: readonly string[];
  /** Email, when `smtpHost` is set. */
  email: SmtpEmailChannel | undefined;
}

/** Pushes and emails time out after this long (then are tried again later). */
const SEND_TIMEOUT_MS = 15_000;

/** Builds the channels the configuration asks for (the VAPID keys are made on first use). */
export function noticeChannels(
  config: Pick<
    Config,
    | 'dataDir'
    | 'push'
    | 'pushSubject'
    | 'pushEndpointHosts'
    | 'publicUrl'
    | 'smtpHost'
    | 'smtpPort'
    | 'smtpSecure'
    | 'smtpUser'
    | 'smtpPass'
    | 'smtpFrom'
  >,
  logger: Pick<Logger, 'info'>,
): NoticeChannels {
  // The push services' operators write here when this server's pushes go wrong: the school's
  // https address will do; with none, a placeholder (Apple refuses `localhost`).
  let subject = config.pushSubject;
  if (config.push && !subject) {
    if (config.publicUrl?.startsWith('https://')) subject = config.publicUrl;
    else {
      subject = 'mailto:cosmo@example.invalid';
      logger.info(
        { subject },
        'no COSMO_PUSH_SUBJECT or https COSMO_PUBLIC_URL: push services get a placeholder contact',
      );
    }
  }
  return {
    push: config.push
      ? new WebPushChannel({
          keys: loadVapidKeys(config.dataDir),
          subject: subject!,
          timeoutMs: SEND_TIMEOUT_MS,
        })
      : undefined,
    endpointHosts: config.pushEndpointHosts ?? DEFAULT_PUSH_ENDPOINT_HOSTS,
    email: config.smtpHost
      ? new SmtpEmailChannel({
          host: config.smtpHost,
          port: config.smtpPort,
          secure: config.smtpSecure,
          user: config.smtpUser,
          pass: config.smtpPass,
          from: config.smtpFrom!,
          timeoutMs: SEND_TIMEOUT_MS,
        })
      : undefined,
  };
}

/**
 * Starts the school's delivery ladder on `channels`. Links open `inboxUrl` (else `baseUrl`) with
 * `?notice=ID&receipt=TOKEN`; the token is a receipt token for that recipient.
 */
export function startNoticeDelivery(
  school: School,
  channels: NoticeChannels,
  options: {
    tokens: TokenService;
    inboxUrl: string;
    /** Where this server's HTTP API is reached (an email's one-click opt-out). */
    apiUrl: string;
    pushTtlSeconds: number;
    metrics: Pick<Metrics, 'noticeDeliveries'>;
    logger: Pick<Logger, 'error' | 'warn'>;
  },
): DeliveryLadder {
  const ladder = school.startDelivery({
    push: channels.push,
    email: channels.email,
    pushTtlSeconds: options.pushTtlSeconds,
    link: async (notice, personId) => {
      const token = await mintReceiptToken(options.tokens, { noticeId: notice.id, personId });
      const url = new URL(options.inboxUrl);
      url.searchParams.set('notice', notice.id);
      url.searchParams.set('receipt', token);
      const optOut = new URL('/api/email/opt-out', options.apiUrl);
      optOut.searchParams.set('receipt', token);
      return { url: url.toString(), token, optOut: optOut.toString() };
    },
  });
  ladder.on('error', (err) => options.logger.error({ err }, 'notice delivery failed'));
  ladder.on('done', (d) => {
    options.metrics.noticeDeliveries.inc({ channel: d.channel, state: d.state });
    if (d.state === 'failed')
      options.logger.warn(
        { notice: d.noticeId, person: d.personId, channel: d.channel, detail: d.detail },
        'a notice could not be sent',
      );
  });
  return ladder;
}
