import { describe, expect, it } from 'vitest';
import { PushedResponseError } from './errors.ts';
import { canonicalHeaderName } from './header-name.ts';
import { targetHostname, writeProxyRequest } from './proxy-request-writer.ts';
import { parsePushedResponse } from './pushed-response-parser.ts';

describe('writeProxyRequest', () => {
  it('writes what Go Request.WriteProxy writes: Host, User-Agent, then sorted canonical headers with Id', () => {
    const wire = writeProxyRequest(
      {
        method: 'GET',
        url: 'http://node-1:9100/metrics?a=b',
        host: 'node-1:9100',
        rawHeaders: [
          'user-agent',
          'Prometheus/2.42.0',
          'accept',
          'text/plain',
          'x-prometheus-scrape-timeout-seconds',
          '10',
          'Accept-Encoding',
          'gzip',
          'host',
          'node-1:9100',
        ],
        body: Buffer.alloc(0),
      },
      'the-id',
    );
    expect(wire.toString()).toBe(
      'GET http://node-1:9100/metrics?a=b HTTP/1.1\r\nHost: node-1:9100\r\nUser-Agent: Prometheus/2.42.0\r\n' +
        'Accept: text/plain\r\nAccept-Encoding: gzip\r\nId: the-id\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n',
    );
  });

  it('defaults the user agent like Go and frames a body with Content-Length', () => {
    const wire = writeProxyRequest(
      { method: 'POST', url: 'http://h/x', host: undefined, rawHeaders: [], body: Buffer.from('abc') },
      'i',
    );
    expect(wire.toString()).toBe(
      'POST http://h/x HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: 3\r\nId: i\r\n\r\nabc',
    );
  });
});

describe('targetHostname', () => {
  it.each([
    ['http://node-1:9100/metrics', 'node-1'],
    ['http://Node-1/metrics', 'Node-1'],
    ['http://user:pw@10.0.0.1:9100/m?x', '10.0.0.1'],
    ['http://[::1]:9100/m', '::1'],
    ['http://host?x=1', 'host'],
  ])('%s → %s', (url, want) => expect(targetHostname(url)).toBe(want));
});

describe('canonicalHeaderName', () => {
  it.each([
    ['x-prometheus-scrape-timeout-seconds', 'X-Prometheus-Scrape-Timeout-Seconds'],
    ['ID', 'Id'],
    ['content-TYPE', 'Content-Type'],
    ['bad name', 'bad name'],
  ])('%s → %s', (name, want) => expect(canonicalHeaderName(name)).toBe(want));
});

describe('parsePushedResponse', () => {
  it.each([
    {
      name: 'Content-Length',
      wire: 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain\r\nId: a\r\n\r\nup 1trailing',
      status: 200,
      body: 'up 1',
      headers: [
        ['Content-Length', '4'],
        ['Content-Type', 'text/plain'],
        ['Id', 'a'],
      ],
    },
    {
      name: 'chunked',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nId: a\r\n\r\n3\r\nup \r\n1;ext=1\r\n1\r\n0\r\n\r\n',
      status: 200,
      body: 'up 1',
      headers: [['Id', 'a']],
    },
    {
      name: "the upstream client's synthetic HTTP/0.0 error, body to the end",
      wire: "HTTP/0.0 500 Internal Server Error\r\nId: a\r\nX-Prometheus-Scrape-Timeout: 9.998123\r\n\r\nscrape target doesn't match client fqdn",
      status: 500,
      body: "scrape target doesn't match client fqdn",
      headers: [
        ['Id', 'a'],
        ['X-Prometheus-Scrape-Timeout', '9.998123'],
      ],
    },
    {
      name: 'bare LF lines',
      wire: 'HTTP/1.0 404 Not Found\nid: b\n\nnope',
      status: 404,
      body: 'nope',
      headers: [['Id', 'b']],
    },
  ])('reads $name', ({ wire, status, body, headers }) => {
    const parsed = parsePushedResponse(Buffer.from(wire));
    expect(parsed.statusCode).toBe(status);
    expect(parsed.body.toString()).toBe(body);
    expect(parsed.headers).toEqual(headers);
  });

  it.each([
    ['', 'EOF'],
    ['HTTP/1.1 200 OK\r\n', 'unexpected EOF'],
    ['garbage\r\n\r\n', 'malformed HTTP response "garbage"'],
    ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 'unexpected EOF'],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'invalid chunk size "zz"'],
    ['HTTP/1.1 200 OK\r\nno colon\r\n\r\n', 'malformed MIME header line: no colon'],
  ])('refuses %j', (wire, message) => {
    expect(() => parsePushedResponse(Buffer.from(wire))).toThrow(new PushedResponseError(message));
  });
});
