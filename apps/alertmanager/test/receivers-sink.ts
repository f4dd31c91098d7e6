// Local endpoints the receiver tests send to: an HTTP(S) sink that records every request
// and answers per path, a CONNECT proxy that records the tunnels it opens, and an SMTP
// server (smtp-server) that records every message.
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What the sink answers: a status and a body, or `hang` to never answer. */
export type Answer = { status: number; body?: string; contentType?: string } | 'hang';

export interface Sink {
  readonly url: string;
  readonly received: Recorded[];
  /** Answers for requests whose path starts with a prefix (first match wins); default 200 `ok`. */
  readonly answers: [string, Answer[] | Answer][];
  close(): Promise<void>;
}

function answerFor(sink: Sink, path: string): Answer {
  for (const [prefix, a] of sink.answers) {
    if (!path.startsWith(prefix)) continue;
    if (!Array.isArray(a)) return a;
    return a.length > 1 ? a.shift()! : (a[0] ?? { status: 200, body: 'ok' });
  }
  return { status: 200, body: 'ok' };
}

async function listen(server: Server, scheme: string, sink: Omit<Sink, 'url' | 'close'>): Promise<Sink> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const hanging = new Set<ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      sink.received.push({ method: req.method ?? '', path, headers: req.headers, body });
      const a = answerFor(full, path);
      if (a === 'hang') {
        hanging.add(res);
        return;
      }
      res.statusCode = a.status;
      res.setHeader('content-type', a.contentType ?? 'text/plain');
      res.end(a.body ?? '');
    });
  });
  const full: Sink = {
    ...sink,
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return full;
}

/** An HTTP sink on 127.0.0.1. */
export function startSink(): Promise<Sink> {
  return listen(createHttpServer(), 'http', { received: [], answers: [] });
}

/** An HTTPS sink with the given certificate. */
export function startTlsSink(cert: string, key: string): Promise<Sink> {
  return listen(createHttpsServer({ cert, key }), 'https', { received: [], answers: [] });
}

export interface Proxy {
  readonly url: string;
  /** `host:port` of every CONNECT tunnel (HTTPS targets). */
  readonly tunnels: string[];
  /** `host:port` of every absolute-form request forwarded (plain-HTTP targets). */
  readonly forwarded: string[];
  close(): Promise<void>;
}

/** A forward proxy: CONNECT tunnels and absolute-form HTTP requests, each recorded. */
export async function startProxy(): Promise<Proxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const server = createHttpServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.statusCode = 400;
      res.end();
      return;
    }
    forwarded.push(target.host);
    const out = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(out);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    forwarded,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Mail {
  readonly from: string;
  readonly to: string[];
  readonly user: string | undefined;
  readonly method: string | undefined;
  readonly secure: boolean;
  readonly raw: string;
}

export interface SmtpSink {
  readonly port: number;
  readonly mails: Mail[];
  close(): Promise<void>;
}

/** An SMTP server recording each message; `users` are accepted logins. */
export async function startSmtp(
  options: SMTPServerOptions,
  users: Record<string, string> = {},
): Promise<SmtpSink> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    ...options,
    onAuth(auth, _session, cb) {
      if (auth.username !== undefined && users[auth.username] === auth.password)
        return cb(null, { user: auth.username });
      return cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        const envelope = session.envelope;
        mails.push({
          from: envelope.mailFrom ? envelope.mailFrom.address : '',
          to: envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          method: (session as unknown as { transmissionType?: string }).transmissionType,
          secure: session.secure,
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
