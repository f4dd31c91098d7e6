import { createServer } from 'node:net';

/**
 * A TCP port that was free on `host` a moment ago (the OS picked it for a listener on
 * port 0, which was then closed). Another process may still take it before you do, so
 * prefer letting our own services listen on port 0; use this for programs that need a
 * number up front.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
