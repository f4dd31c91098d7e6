import { Secret } from './secret.ts';
import { describe, expect, it } from 'vitest';
import { jsonLineToLogfmt } from './logger.ts';
import { REDACTED, redactSecrets, redactText } from './redact.ts';
import { memoryLogger } from './test-logger.ts';

describe('createLogger', () => {
  it('writes JSON lines with ts, level name and msg', () => {
    const { logger, lines } = memoryLogger('json');
    logger.info({ component: 'tsdb' }, 'Starting');
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', msg: 'Starting', component: 'tsdb' });
    expect(record['ts']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(record).not.toHaveProperty('pid');
  });

  it('writes logfmt with ts, level, msg first', () => {
    const { logger, lines } = memoryLogger('logfmt');
    logger.warn({ path: '/metrics', n: 3 }, 'Slow scrape');
    expect(lines[0]).toMatch(/^ts=\S+ level=warn msg="Slow scrape" path=\/metrics n=3\n$/);
  });

  it('filters by level', () => {
    const { logger, lines } = memoryLogger('json');
    logger.level = 'warn';
    logger.info('hidden');
    logger.error('shown');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['shown']);
  });

  it.each([
    { name: 'password field', log: { password: 'hunter2' } },
    { name: 'nested basic auth', log: { scrape: { basic_auth: { username: 'u', password: 'hunter2' } } } },
    { name: 'Authorization header', log: { headers: { Authorization: 'Bearer hunter2' } } },
    { name: 'bearer token field', log: { bearer_token: 'hunter2' } },
    { name: 'URL with basic auth', log: { url: 'https://user:hunter2@example.com/push' } },
    { name: 'URL object', log: { url: new URL('https://user:hunter2@example.com/') } },
    { name: 'token in a query', log: { target: 'http://h/api?access_token=hunter2&x=1' } },
    { name: 'error message with a URL', log: { err: new Error('GET http://u:hunter2@h/ failed') } },
    { name: 'error cause', log: { err: new Error('outer', { cause: new Error('Bearer hunter2 refused') }) } },
    { name: 'map of headers', log: { headers: new Map([['authorization', 'Basic aHVudGVyMg==']]) } },
  ])('never writes secrets: $name', ({ log }) => {
    for (const format of ['json', 'logfmt'] as const) {
      const { logger, lines } = memoryLogger(format);
      logger.info(log, 'event');
      logger.child(log).info('child');
      expect(lines.join('')).not.toMatch(/hunter2|aHVudGVyMg/);
      expect(lines.join('')).toContain(REDACTED);
    }
  });

  it('redacts secrets in the message itself', () => {
    const { logger, lines } = memoryLogger('json');
    logger.info('pushing to http://u:hunter2@h/ with Bearer abc.def');
    expect(JSON.parse(lines[0]!).msg).toBe(`pushing to http://u:${REDACTED}@h/ with Bearer ${REDACTED}`);
  });
});

describe('redactText', () => {
  it.each([
    { input: 'http://u:p@h:9090/x', want: `http://u:${REDACTED}@h:9090/x` },
    { input: 'http://u@h/', want: 'http://u@h/' },
    { input: 'no secrets here', want: 'no secrets here' },
    { input: 'Authorization: Basic dTpw', want: `Authorization: Basic ${REDACTED}` },
    { input: 'http://h/?password=x&keep=y', want: `http://h/?password=${REDACTED}&keep=y` },
    { input: 'a=b c=d', want: 'a=b c=d' },
    { input: 'Basic authentication failed', want: 'Basic authentication failed' },
    { input: 'Bearer Token missing', want: 'Bearer Token missing' },
    { input: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', want: `Bearer ${REDACTED}` },
    { input: 'Basic YWxpY2U6czNjcmV0', want: `Basic ${REDACTED}` },
  ])('$input', ({ input, want }) => {
    expect(redactText(input)).toBe(want);
  });
});

describe('redactSecrets', () => {
  it('keeps file paths and non-secret fields', () => {
    expect(redactSecrets({ password_file: '/etc/p', username: 'u', password: '', level: 3 })).toEqual({
      password_file: '/etc/p',
      username: 'u',
      password: '',
      level: 3,
    });
  });

  it('cuts cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    expect(redactSecrets(a)).toEqual({ name: 'a', self: '[Circular]' });
  });
});

describe('jsonLineToLogfmt', () => {
  it.each([
    {
      input: '{"level":"info","ts":"T","msg":"hi","a":"x y","b":{"c":1},"e":""}',
      want: 'ts=T level=info msg=hi a="x y" b="{\\"c\\":1}" e=""\n',
    },
    { input: 'not json\n', want: 'not json\n' },
  ])('$input', ({ input, want }) => {
    expect(jsonLineToLogfmt(input)).toBe(want);
  });
});

describe('Secret in logs', () => {
  it('is logged as <secret> under any field name', () => {
    const { logger, lines } = memoryLogger('json');
    logger.info({ config: { webhook: new Secret('https://hooks.example/T0/abc') } }, 'loaded');
    expect(lines.join('')).not.toContain('hooks.example');
    expect(JSON.parse(lines[0]!).config.webhook).toBe(REDACTED);
  });
});
