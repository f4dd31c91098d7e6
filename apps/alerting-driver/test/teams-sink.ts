// A local HTTP server standing in for Microsoft Teams: records every POST and answers as told.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCard {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

export interface TeamsSink {
  readonly url: string;
  readonly received: ReceivedCard[];
  /** How to answer the next posts; default 200 with body `1` (the Office 365 connector's reply). */
  answer: (card: ReceivedCard) => { status: number; body: string; delayMs?: number };
  close(): Promise<void>;
}

export async function startTeamsSink(): Promise<TeamsSink> {
  const sink: TeamsSink = {
    url: '',
    received: [],
    answer: () => ({ status: 200, body: '1' }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const card = {
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      };
      sink.received.push(card);
      const { status, body, delayMs } = sink.answer(card);
      setTimeout(() => res.writeHead(status).end(body), delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.closeAllConnections.bind(server);
  const origClose = sink.close;
  sink.close = () => {
    server.closeAllConnections();
    return origClose();
  };
  (sink as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}
