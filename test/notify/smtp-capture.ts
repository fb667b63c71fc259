import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface CapturedMail {
  from: string | undefined;
  to: string[];
  raw: string;
  subject: string;
  text: string;
  html: string;
  attachments: CapturedAttachment[];
  /** When the server accepted it (epoch ms). */
  at: number;
}

/** A real SMTP server on loopback that keeps every message it accepts. */
export async function startSmtpCapture(options: Partial<SMTPServerOptions> = {}) {
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          at: Date.now(),
          ...parseMail(raw),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A part that is not the text or the HTML body: an attachment, inline (Content-ID) or not. */
export interface CapturedAttachment {
  contentType: string;
  contentId?: string;
  filename?: string;
  content: Buffer;
}

interface ParsedMail {
  subject: string;
  text: string;
  html: string;
  attachments: CapturedAttachment[];
}

/** Just enough MIME to read what nodemailer writes: nested multiparts, QP or base64, attachments. */
function parseMail(raw: string): ParsedMail {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const out: ParsedMail = { subject: '', text: '', html: '', attachments: [] };
  out.subject = decodeWords(/^Subject: (.*)$/im.exec(unfold(head))?.[1] ?? '');
  parseEntity(head, rest.join('\r\n\r\n'), out);
  return out;
}

const unfold = (head: string) => head.replace(/\r\n[ \t]+/g, ' ');

function parseEntity(head: string, body: string, out: ParsedMail): void {
  const headers = unfold(head);
  const type = (/^Content-Type: ([^;\r\n]+)/im.exec(headers)?.[1] ?? 'text/plain').trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    for (const part of body.split(`--${boundary}`).slice(1, -1)) {
      const [partHead = '', ...partBody] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      // The CRLF before a boundary belongs to the boundary.
      parseEntity(partHead, partBody.join('\r\n\r\n').replace(/\r\n$/, ''), out);
    }
    return;
  }
  const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(headers)?.[1];
  const attached = /^Content-Disposition: (attachment|inline)/im.test(headers);
  if (type === 'text/html' && !attached) out.html = decodeBody(body, encoding);
  else if (type === 'text/plain' && !attached) out.text = decodeBody(body, encoding);
  else {
    out.attachments.push({
      contentType: type,
      contentId: /^Content-ID: <([^>]+)>/im.exec(headers)?.[1],
      filename: /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1],
      content: /base64/i.test(encoding ?? '')
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
        : Buffer.from(body, 'utf8'),
    });
  }
}

function decodeBody(body: string, encoding = '7bit'): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
  }
  return body.replace(/\r\n/g, '\n');
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}
