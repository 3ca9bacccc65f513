import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailChannel, EmailMessage, EmailOutcome } from './channels.js';

/** The mail server and the sender's address. */
export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  pass?: string;
  /** `"Cosmo School" <notices@school.example>`. */
  from: string;
  /** A mail server that has not answered in this long has failed (tried again later), in ms. */
  timeoutMs: number;
}

/** Email through an SMTP server with nodemailer (pooled connections). */
export class SmtpEmailChannel implements EmailChannel {
  readonly #transport: Transporter;
  readonly #from: string;
  readonly #domain: string;

  constructor(options: SmtpOptions) {
    this.#from = options.from;
    this.#domain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'cosmo.invalid';
    this.#transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      pool: true,
      maxConnections: 4,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      ...(options.user ? { auth: { user: options.user, pass: options.pass ?? '' } } : {}),
    });
  }

  async send(m: EmailMessage): Promise<EmailOutcome> {
    try {
      await this.#transport.sendMail({
        from: this.#from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: `<${m.messageId}@${this.#domain}>`,
        ...(m.optOut
          ? {
              list: { unsubscribe: m.optOut },
              headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
            }
          : {}),
      });
      return { ok: true };
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      // A 5xx reply is permanent (no such mailbox); a 4xx or no answer is worth another try.
      return {
        ok: false,
        retry: !(e.responseCode && e.responseCode >= 500),
        detail: e.message.slice(0, 200),
      };
    }
  }

  close(): void {
    this.#transport.close();
  }
}
