import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake provider API received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FakeAnswer {
  readonly status?: number;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
}

/**
 * A local stand-in for a provider's API: records every request and answers with `respond`
 * (200 and an empty body by default). Tests point a provider's `base_url` at `url`.
 */
export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  respond: (request: RecordedRequest) => FakeAnswer = () => ({});
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeApi> {
    const server = createServer();
    const api = new FakeApi(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        api.requests.push(recorded);
        const answer = api.respond(recorded);
        res.writeHead(answer.status ?? 200, answer.headers ?? {});
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.respond = () => ({});
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** The fields of an `application/x-www-form-urlencoded` body or query, repeated keys kept. */
export function form(text: string): [string, string][] {
  return [...new URLSearchParams(text)];
}

/** A webhook body as Alertmanager 0.25 sends it, for `receiver`, with `alerts` given as label sets. */
export function webhook(receiver: string, alerts: Record<string, string>[], status = 'firing'): string {
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="Test"}',
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: {},
    commonLabels: alerts.length === 1 ? alerts[0] : {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((labels) => ({
      status,
      labels,
      annotations: {},
      startsAt: '2026-11-28T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'c0ffee',
    })),
  });
}
