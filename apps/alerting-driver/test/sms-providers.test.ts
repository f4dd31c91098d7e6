// Each provider's request against a local fake of its API: method, path, auth and body,
// driven through the config file and the /alert handler as a deployment would.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { handleAlert } from '../src/sms/alert-handler.ts';
import { loadSmsConfig } from '../src/sms/config.ts';
import { aliyunEndpoint, aliyunSignature } from '../src/sms/providers/aliyun.ts';
import { PROVIDERS } from '../src/sms/providers/registry.ts';
import { FakeApi, webhook } from './sms-fake-api.ts';
import type { FakeAnswer } from './sms-fake-api.ts';
import { CASES_LATER } from './sms-provider-cases-later.ts';
import { CASES_0_2_3, NOW } from './sms-provider-cases.ts';

const cases = [...CASES_0_2_3, ...CASES_LATER];

/** Answers the fake gives to make each provider's send fail, and what the error must say. */
const failures: {
  provider: string;
  settings?: Record<string, unknown>;
  to?: string[];
  answer: FakeAnswer;
  says: RegExp;
}[] = [
  {
    provider: 'aliyun',
    answer: { body: '{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"limit"}' },
    says: /isv\.BUSINESS_LIMIT_CONTROL/,
  },
  {
    provider: 'telegram',
    settings: { token: '99:secret-tg' },
    answer: { status: 400, body: '{"ok":false,"description":"Bad Request: chat not found"}' },
    says: /chat not found/,
  },
  { provider: 'telegram', to: ['@channel'], answer: {}, says: /chat id "@channel" is not an integer/ },
  {
    provider: 'aspsms',
    answer: { body: '{"StatusCode":"4","StatusInfo":"Invalid Password"}' },
    says: /Invalid Password/,
  },
  {
    provider: 'nexmo',
    answer: { body: '{"messages":[{"status":"4","error-text":"Bad Credentials"}]}' },
    says: /status 4: Bad Credentials/,
  },
  { provider: 'mediaburst', answer: { body: 'Error 2: Invalid username or password' }, says: /Error 2/ },
  { provider: 'smsc', answer: { body: 'ERROR = 2 (authorise error)' }, says: /ERROR = 2/ },
  { provider: 'sipgate', answer: { status: 200 }, says: /HTTP 200/ },
  {
    provider: 'twilio',
    answer: { status: 401, body: '{"code":20003,"message":"Authenticate"}' },
    says: /HTTP 401: Authenticate/,
  },
  {
    provider: 'cm',
    answer: { status: 400, body: '{"details":"No account found"}' },
    says: /HTTP 400.*No account found/,
  },
];

describe('sms providers against local fakes of their APIs', () => {
  let api: FakeApi;
  let dir: TempDir;

  beforeAll(async () => {
    api = await FakeApi.start();
    dir = await makeTempDir('sms-providers');
  });
  afterAll(async () => {
    await api?.stop();
    await dir?.remove();
  });
  beforeEach(() => api.reset());

  const send = async (c: {
    provider: string;
    settings: Record<string, unknown>;
    noBaseUrl?: boolean;
    to: string[];
    from?: string;
    type?: string;
  }) => {
    const settings = Object.fromEntries(
      Object.entries(c.settings).map(([k, v]) => [k, typeof v === 'string' ? v.replace('$API', api.url) : v]),
    );
    if (!c.noBaseUrl) settings['base_url'] = api.url;
    const file = dir.join(`${c.provider}.yaml`);
    const receiver = { name: 'ops', provider: c.provider, to: c.to, from: c.from, type: c.type };
    writeFileSync(file, yaml.dump({ providers: { [c.provider]: settings }, receivers: [receiver] }));
    const body = webhook('ops', [{ alertname: 'DiskFull', instance: 'db1:9100' }]);
    return handleAlert(body, loadSmsConfig(file), {
      sendFailureStatus: 502,
      context: { now: () => NOW, timeoutMs: 5000 },
    });
  };

  it('covers every provider: the 19 of sachet 0.2.3 and the 10 added up to 0.3.1', () => {
    const tested = new Set(cases.map((c) => c.provider));
    expect([...PROVIDERS.keys()].filter((p) => !tested.has(p))).toEqual([]);
    expect(PROVIDERS.size).toBe(29);
  });

  it.each(cases.map((c) => [`${c.provider}${c.type ? ` (${c.type})` : ''}`, c] as const))(
    '%s',
    async (_name, c) => {
      if (c.answer) api.respond = c.answer;
      const outcome = await send(c);
      expect(outcome).toEqual({ status: 200, provider: c.provider });
      expect(api.requests.length).toBeGreaterThan(0);
      c.check(api.requests, api.url);
    },
  );

  it.each(failures.map((f) => [f.provider, f] as const))(
    '%s: a refused send is a 502 naming the reason',
    async (_name, f) => {
      const base = cases.find((c) => c.provider === f.provider)!;
      api.respond = () => f.answer;
      const outcome = await send({
        ...base,
        settings: { ...base.settings, ...f.settings },
        to: f.to ?? base.to,
      });
      expect(outcome.status).toBe(502);
      expect(outcome.error).toMatch(f.says);
    },
  );

  it('a provider that cannot be reached is a 502, not a crash', async () => {
    const outcome = await send({
      provider: 'twilio',
      settings: { base_url: 'http://127.0.0.1:9' },
      noBaseUrl: true,
      to: ['+1'],
    });
    expect(outcome.status).toBe(502);
    expect(outcome.error).toMatch(/^twilio Messages: request failed: /);
  });

  it("aliyun's signature matches the worked example of Alibaba Cloud's signature documentation", () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(aliyunSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    // And an independent HMAC over the documented string-to-sign.
    const toSign =
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
      '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
      '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26';
    expect(createHmac('sha1', 'testsecret&').update(toSign).digest('base64')).toBe(
      'OLeaidS1JvxuMvnyHOwuJ+uX5qY=',
    );
  });

  it.each([
    ['', 'https://dysmsapi.aliyuncs.com/'],
    ['cn-hangzhou', 'https://dysmsapi.aliyuncs.com/'],
    ['cn-hongkong', 'https://dysmsapi.aliyuncs.com/'],
    ['ap-southeast-1', 'https://dysmsapi.ap-southeast-1.aliyuncs.com/'],
    ['eu-central-1', 'https://dysmsapi.eu-central-1.aliyuncs.com/'],
    ['us-east-1', 'https://dysmsapi.ap-southeast-1.aliyuncs.com/'],
  ])('aliyun region %j uses %s', (region, endpoint) => {
    expect(aliyunEndpoint(region)).toBe(endpoint);
  });
});
