import { describe, expect, it } from 'vitest';
import { WireFormatError } from './errors.ts';
import { canonicalHeaderName } from './header-name.ts';
import { parseScrapeRequest, writeScrapeRequest } from './scrape-request.ts';
import { parseScrapeResponse, writeScrapeResponse } from './scrape-response.ts';
import { formatRemainingSeconds, parseTimeoutSeconds, scrapeTimeoutMs } from './scrape-timeout.ts';
import { targetHostname } from './target-url.ts';

const pairs = (flat: string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
};

describe('writeScrapeRequest', () => {
  it('writes what Go Request.WriteProxy writes: Host, User-Agent, then sorted canonical headers with Id', () => {
    const wire = writeScrapeRequest(
      {
        method: 'GET',
        target: 'http://node-1:9100/metrics?a=b',
        host: 'node-1:9100',
        headers: pairs([
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
          'id',
          'spoofed',
        ]),
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
    const wire = writeScrapeRequest(
      { method: 'POST', target: 'http://h/x', host: undefined, headers: [], body: Buffer.from('abc') },
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

describe('parseScrapeResponse', () => {
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
    const parsed = parseScrapeResponse(Buffer.from(wire));
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
    expect(() => parseScrapeResponse(Buffer.from(wire))).toThrow(new WireFormatError(message));
  });
});

describe('writeScrapeResponse', () => {
  it('writes a target response with Content-Length and sorted canonical headers, body untouched', () => {
    const body = Buffer.from([0x1f, 0x8b, 0x00, 0xff]);
    const out = writeScrapeResponse({
      statusCode: 200,
      protocol: [1, 1],
      headers: [
        ['content-type', 'text/plain'],
        ['content-encoding', 'gzip'],
        ['Id', 'x'],
        ['transfer-encoding', 'chunked'],
      ],
      body,
    });
    expect(out.subarray(0, out.length - 4).toString()).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Encoding: gzip\r\nContent-Type: text/plain\r\nId: x\r\n\r\n',
    );
    expect(out.subarray(out.length - 4)).toEqual(body);
  });

  it("writes the client's own errors as upstream: HTTP/0.0, no Content-Length", () => {
    const out = writeScrapeResponse({
      statusCode: 500,
      headers: [
        ['X-Prometheus-Scrape-Timeout', '9.998123'],
        ['Id', 'x'],
      ],
      body: Buffer.from('boom'),
    });
    expect(out.toString()).toBe(
      'HTTP/0.0 500 Internal Server Error\r\nId: x\r\nX-Prometheus-Scrape-Timeout: 9.998123\r\n\r\nboom',
    );
  });

  it.each([
    [413, undefined, '413 Request Entity Too Large'],
    [299, undefined, '299 status code 299'],
    [200, 'Fine', '200 Fine'],
  ])("uses Go's reason phrases: %s", (statusCode, statusText, want) => {
    const out = writeScrapeResponse({
      statusCode,
      statusText,
      protocol: [1, 1],
      headers: [],
      body: Buffer.alloc(0),
    });
    expect(out.toString().split('\r\n')[0]).toBe(`HTTP/1.1 ${want}`);
  });

  it('round-trips through parseScrapeResponse', () => {
    const sent = {
      statusCode: 404,
      protocol: [1, 1] as const,
      headers: [['A-B', '1'] as const, ['Id', 'q'] as const],
      body: Buffer.from('gone'),
    };
    const got = parseScrapeResponse(writeScrapeResponse(sent));
    expect(got).toMatchObject({ statusCode: 404, statusText: 'Not Found', protocol: [1, 1] });
    expect(got.headers).toEqual([['Content-Length', '4'], ...sent.headers]);
    expect(got.body.toString()).toBe('gone');
  });
});

describe('parseScrapeRequest', () => {
  it.each([
    ['Error WaitForScrapeInstruction: request is expired\n', 'unexpected EOF'],
    ['', 'EOF'],
    ['nonsense\r\n\r\n', 'malformed HTTP request "nonsense"'],
    ['GET http://h/ HTTP/1.1\r\nContent-Length: x\r\n\r\n', 'bad Content-Length "x"'],
  ])('refuses %j (a 408 body counts as a poll error)', (text, message) => {
    expect(() => parseScrapeRequest(Buffer.from(text))).toThrow(new WireFormatError(message));
  });

  it('reads Content-Length and chunked bodies', () => {
    const request = parseScrapeRequest(
      Buffer.from('POST http://h/x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc'),
    );
    expect(request).toMatchObject({ method: 'POST', target: 'http://h/x', host: 'h', headers: [] });
    expect(request.body.toString()).toBe('abc');
    const chunked = parseScrapeRequest(
      Buffer.from('POST http://h/x HTTP/1.1\nTransfer-Encoding: chunked\n\n2\nab\n0\n\n'),
    );
    expect(chunked.body.toString()).toBe('ab');
  });

  it('round-trips what writeScrapeRequest wrote, headers canonical', () => {
    const wire = writeScrapeRequest(
      {
        method: 'GET',
        target: 'http://n:1/m',
        host: undefined,
        headers: [
          ['accept', 'x'],
          ['user-agent', 'ua'],
        ],
        body: Buffer.alloc(0),
      },
      'id-1',
    );
    expect(parseScrapeRequest(wire)).toEqual({
      method: 'GET',
      target: 'http://n:1/m',
      host: 'n:1',
      headers: [
        ['User-Agent', 'ua'],
        ['Accept', 'x'],
        ['Id', 'id-1'],
      ],
      body: Buffer.alloc(0),
    });
  });
});

describe('scrape timeouts', () => {
  it.each([
    ['10', 10],
    ['0.5', 0.5],
    ['1e1', 10],
    [' 10', undefined],
    ['10s', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('parseTimeoutSeconds(%j) → %s', (text, want) => expect(parseTimeoutSeconds(text)).toBe(want));

  it('defaults and caps the proxy timeout, formats the remaining time as Go %f', () => {
    expect(scrapeTimeoutMs(undefined, 15_000, 300_000)).toBe(15_000);
    expect(scrapeTimeoutMs('bad', 15_000, 300_000)).toBe(15_000);
    expect(scrapeTimeoutMs('2.5', 15_000, 300_000)).toBe(2_500);
    expect(scrapeTimeoutMs('900', 15_000, 300_000)).toBe(300_000);
    expect(formatRemainingSeconds(9998.1234)).toBe('9.998123');
    expect(formatRemainingSeconds(-5)).toBe('0.000000');
  });
});
