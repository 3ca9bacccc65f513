// Test helper: an SMTP server on loopback (the smtp-server package) that keeps every message, with
// its Message-ID, recipients and decoded text.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A message as the mail server took it. */
export interface ReceivedMail {
  at: number;
  /** RCPT TO addresses. */
  to: string[];
  messageId: string;
  subject: string;
  /** The text/plain part, decoded. */
  text: string;
  raw: string;
}

/** Quoted-printable and base64 bodies back to text. */
function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable')
    return Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return body;
}

/** The text/plain part of a raw message (single part or multipart). */
function textOf(raw: string): string {
  const split = (s: string) => {
    const i = s.search(/\r?\n\r?\n/);
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i).replace(/^\r?\n\r?\n/, '')];
  };
  const [headers, body] = split(raw) as [string, string];
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (!boundary) return decodePart(headers, body);
  for (const part of body.split(`--${boundary}`)) {
    const [h, b] = split(part.replace(/^\r?\n/, '')) as [string, string];
    if (/content-type:\s*text\/plain/i.test(h)) return decodePart(h, b);
    if (/content-type:\s*multipart\//i.test(h)) {
      const inner = textOf(part.replace(/^\r?\n/, ''));
      if (inner) return inner;
    }
  }
  return '';
}

/** The test mail server. */
export class TestMailbox {
  readonly messages: ReceivedMail[] = [];
  /** Called with each message before the server answers 250 (return a promise to hold it). */
  onMail: (mail: ReceivedMail) => void | Promise<void> = () => undefined;
  readonly #server: SMTPServer;
  #port = 0;

  private constructor(login?: { user: string; pass: string }) {
    this.#server = new SMTPServer({
      authOptional: !login,
      // No TLS on loopback: nodemailer sends in the clear when STARTTLS is not offered.
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (login && auth.username === login.user && auth.password === login.pass)
          return callback(null, { user: auth.username });
        callback(new Error('535 wrong login'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
          const header = (name: string) =>
            new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
          const mail: ReceivedMail = {
            at: Date.now(),
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: header('Message-ID'),
            subject: header('Subject'),
            text: textOf(raw),
            raw,
          };
          this.messages.push(mail);
          void Promise.resolve(this.onMail(mail)).then(
            () => callback(),
            (err: Error) => callback(err),
          );
        });
      },
    });
  }

  /** Starts on a free loopback port; with `login`, only that login may send. */
  static async start(login?: { user: string; pass: string }): Promise<TestMailbox> {
    const box = new TestMailbox(login);
    await new Promise<void>((r) => box.#server.listen(0, '127.0.0.1', r));
    box.#port = (box.#server.server.address() as AddressInfo).port;
    return box;
  }

  get port(): number {
    return this.#port;
  }

  /** Messages to an address. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  /** Stops listening. */
  async close(): Promise<void> {
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
