// Expected requests of the 19 providers of sachet 0.2.3, for sms-providers.test.ts.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { aliyunSignature } from '../src/sms/providers/aliyun.ts';
import { basic, form } from './sms-fake-api.ts';
import type { FakeAnswer, RecordedRequest } from './sms-fake-api.ts';

export const TEXT = 'FIRING \nalertname= DiskFull\ninstance= db1:9100';
export const NOW = new Date('2026-11-28T12:34:56.789Z');

export interface ProviderCase {
  readonly provider: string;
  /** Settings; `$API` in a string value becomes the fake's URL. `base_url` is added unless `noBaseUrl`. */
  readonly settings: Record<string, unknown>;
  readonly noBaseUrl?: boolean;
  readonly to: string[];
  readonly from?: string;
  readonly type?: string;
  readonly answer?: (request: RecordedRequest) => FakeAnswer;
  readonly check: (requests: RecordedRequest[], api: string) => void;
}

export const json = (r: RecordedRequest): unknown => JSON.parse(r.body);

/** One provider's send: its settings, the receiver, the fake's answer and what the fake must have received. */
export const CASES_0_2_3: ProviderCase[] = [
  {
    provider: 'aliyun',
    settings: {
      region_id: 'cn-hangzhou',
      access_key: 'LTAIkey',
      access_key_secret: 'aliyun-secret',
      sign_name: 'Argus',
      template_code: 'SMS_123',
      template_param_key: 'alert',
    },
    to: ['+8613800000001', '+8613800000002'],
    answer: () => ({ body: '{"Message":"OK","RequestId":"r1","BizId":"b1","Code":"OK"}' }),
    check: ([r]) => {
      expect(r!.method).toBe('POST');
      expect(r!.url).toBe('/');
      expect(r!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const params = Object.fromEntries(form(r!.body));
      expect(params).toMatchObject({
        AccessKeyId: 'LTAIkey',
        Action: 'SendSms',
        Format: 'JSON',
        RegionId: 'cn-hangzhou',
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        Version: '2017-05-25',
        Timestamp: '2026-11-28T12:34:56Z',
        PhoneNumbers: '+8613800000001,+8613800000002',
        SignName: 'Argus',
        TemplateCode: 'SMS_123',
        TemplateParam: JSON.stringify({ alert: TEXT }),
      });
      const { Signature, ...signed } = params;
      expect(Signature).toBe(aliyunSignature('POST', signed, 'aliyun-secret'));
    },
  },
  {
    provider: 'telegram',
    settings: { token: '123456:tg-secret-token', parse_mode: 'HTML', disable_web_page_preview: true },
    to: ['12345', '-1001234567890123'],
    answer: () => ({ body: '{"ok":true,"result":{"message_id":1}}' }),
    check: (requests) => {
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/bot123456:tg-secret-token/sendMessage'],
        ['POST', '/bot123456:tg-secret-token/sendMessage'],
      ]);
      expect(requests[0]!.headers['content-type']).toBe('application/json');
      expect(json(requests[0]!)).toEqual({
        chat_id: 12345,
        text: TEXT,
        parse_mode: 'HTML',
        disable_web_page_preview: true,
      });
      // A supergroup id beyond 2^53 is written as sent, not rounded.
      expect(requests[1]!.body).toContain('"chat_id":-1001234567890123,');
    },
  },
  {
    provider: 'aspsms',
    settings: { username: 'asp-user', password: 'asp-secret' },
    to: ['+41790000001', '+41790000002'],
    from: 'Argus',
    answer: () => ({ body: '{"StatusCode":"1","StatusInfo":"OK"}' }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/SendSimpleTextSMS']);
      expect(json(r!)).toEqual({
        UserName: 'asp-user',
        Password: 'asp-secret',
        Originator: 'Argus',
        Recipients: ['+41790000001', '+41790000002'],
        MessageText: TEXT,
      });
    },
  },
  {
    provider: 'cm',
    settings: { producttoken: 'cm-secret-token' },
    to: ['+31600000001', '+31600000002'],
    from: 'Argus',
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/v1.0/message']);
      expect(json(r!)).toEqual({
        messages: {
          authentication: { producttoken: 'cm-secret-token' },
          msg: [
            {
              from: 'Argus',
              to: [{ number: '+31600000001' }, { number: '+31600000002' }],
              body: { content: TEXT },
            },
          ],
        },
      });
    },
  },
  {
    provider: 'exotel',
    settings: { account_sid: 'exo-sid', auth_token: 'exo-secret' },
    to: ['09000000001', '09000000002'],
    from: 'ARGUS',
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/v1/Accounts/exo-sid/Sms/send.json']);
      expect(r!.headers.authorization).toBe(basic('exo-sid', 'exo-secret'));
      expect(form(r!.body)).toEqual([
        ['Body', TEXT],
        ['From', 'ARGUS'],
        ['To', '09000000001'],
        ['To', '09000000002'],
      ]);
    },
  },
  {
    provider: 'freemobile',
    settings: { username: '12345678', password: 'free-secret', url: '$API/sendmsg' },
    noBaseUrl: true,
    to: [],
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/sendmsg']);
      expect(json(r!)).toEqual({ user: '12345678', pass: 'free-secret', msg: TEXT });
    },
  },
  {
    provider: 'infobip',
    settings: { token: 'ib-user', secret: 'ib-secret' },
    to: ['41793026727'],
    from: 'Argus',
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/sms/1/text/single']);
      expect(r!.headers.authorization).toBe(basic('ib-user', 'ib-secret'));
      expect(json(r!)).toEqual({ from: 'Argus', to: '41793026727', text: TEXT });
    },
  },
  {
    provider: 'kannel',
    settings: { url: '$API/cgi-bin/sendsms', username: 'kuser', password: 'kannel-secret' },
    noBaseUrl: true,
    to: ['+100', '+200'],
    from: 'Argus',
    check: (requests) => {
      expect(requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      const query = requests.map((r) => Object.fromEntries(new URL(r.url, 'http://x').searchParams));
      expect(query).toEqual([
        { from: 'Argus', pass: 'kannel-secret', text: TEXT, to: '+100', user: 'kuser' },
        { from: 'Argus', pass: 'kannel-secret', text: TEXT, to: '+200', user: 'kuser' },
      ]);
      expect(new URL(requests[0]!.url, 'http://x').pathname).toBe('/cgi-bin/sendsms');
    },
  },
  {
    provider: 'mediaburst',
    settings: { api_key: 'mb-secret-key' },
    to: ['441234567890', '441234567891'],
    from: 'Argus',
    answer: () => ({ body: 'To: 441234567890 ID: AB_1\nTo: 441234567891 ID: AB_2' }),
    check: ([r]) => {
      const url = new URL(r!.url, 'http://x');
      expect([r!.method, url.pathname]).toEqual(['GET', '/http/send.aspx']);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        Key: 'mb-secret-key',
        To: '441234567890,441234567891',
        From: 'Argus',
        Content: TEXT,
      });
    },
  },
  {
    provider: 'messagebird',
    settings: { access_key: 'live_secret', gateway: 10 },
    to: ['+31600000001', '+31600000002'],
    from: 'Argus',
    answer: () => ({ status: 201, body: '{"id":"m1"}' }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/messages']);
      expect(r!.headers.authorization).toBe('AccessKey live_secret');
      expect(json(r!)).toEqual({
        recipients: ['+31600000001', '+31600000002'],
        body: TEXT,
        originator: 'Argus',
        gateway: 10,
      });
    },
  },
  {
    provider: 'messagebird',
    settings: { access_key: 'live_secret', language: 'en-gb', voice: 'female', repeat: 2 },
    to: ['+31600000001'],
    type: 'voice',
    answer: () => ({ status: 201, body: '{"id":"v1"}' }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/voicemessages']);
      expect(json(r!)).toEqual({
        recipients: ['+31600000001'],
        body: TEXT,
        language: 'en-gb',
        voice: 'female',
        repeat: 2,
      });
    },
  },
  {
    provider: 'nexmo',
    settings: { api_key: 'nx-key', api_secret: 'nx-secret' },
    to: ['447700900001', '447700900002'],
    from: 'Argus',
    answer: () => ({ body: '{"message-count":"1","messages":[{"status":"0","message-id":"1"}]}' }),
    check: (requests) => {
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/sms/json'],
        ['POST', '/sms/json'],
      ]);
      expect(form(requests[1]!.body)).toEqual([
        ['api_key', 'nx-key'],
        ['api_secret', 'nx-secret'],
        ['from', 'Argus'],
        ['to', '447700900002'],
        ['text', TEXT],
        ['type', 'text'],
      ]);
    },
  },
  {
    provider: 'nowsms',
    settings: { username: 'now-user', password: 'now-secret', url: '$API/send' },
    noBaseUrl: true,
    to: ['+100', '+200'],
    check: ([r]) => {
      const url = new URL(r!.url, 'http://x');
      expect([r!.method, url.pathname]).toEqual(['POST', '/send']);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        User: 'now-user',
        Password: 'now-secret',
        PhoneNumber: '+100,+200',
        Text: TEXT,
      });
    },
  },
  {
    provider: 'otc',
    settings: {
      identity_endpoint: '$API/v3/auth/tokens',
      domain_name: 'OTC-EU-DE-1',
      project_name: 'eu-de_project',
      username: 'otc-user',
      password: 'otc-secret',
      project_id: 'p123',
    },
    to: ['+4915100000001', '+4915100000002'],
    answer: (r) =>
      r.url === '/v3/auth/tokens'
        ? { status: 201, headers: { 'X-Subject-Token': 'keystone-token' }, body: '{"token":{}}' }
        : { body: '{"request_id":"x"}' },
    check: (requests) => {
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/v3/auth/tokens'],
        ['POST', '/v2/p123/notifications/sms'],
        ['POST', '/v2/p123/notifications/sms'],
      ]);
      expect(json(requests[0]!)).toEqual({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'otc-user', password: 'otc-secret', domain: { name: 'OTC-EU-DE-1' } } },
          },
          scope: { project: { name: 'eu-de_project' } },
        },
      });
      expect(requests[1]!.headers['x-auth-token']).toBe('keystone-token');
      expect(json(requests[2]!)).toEqual({ endpoint: '+4915100000002', message: TEXT });
    },
  },
  {
    provider: 'ovh',
    settings: {
      endpoint: 'ovh-eu',
      application_key: 'ovh-ak',
      application_secret: 'ovh-as-secret',
      consumer_key: 'ovh-ck-secret',
      service_name: 'sms-ab12345-1',
      base_url: '$API/1.0',
    },
    noBaseUrl: true,
    to: ['+33600000001'],
    answer: () => ({ body: '{"ids":[1]}' }),
    check: ([r], api) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/1.0/sms/sms-ab12345-1/jobs']);
      expect(json(r!)).toEqual({
        message: TEXT,
        receivers: ['+33600000001'],
        noStopClause: false,
        senderForResponse: true,
      });
      const ts = String(Math.floor(NOW.getTime() / 1000));
      expect(r!.headers['x-ovh-application']).toBe('ovh-ak');
      expect(r!.headers['x-ovh-consumer']).toBe('ovh-ck-secret');
      expect(r!.headers['x-ovh-timestamp']).toBe(ts);
      const toSign = [
        'ovh-as-secret',
        'ovh-ck-secret',
        'POST',
        `${api}/1.0/sms/sms-ab12345-1/jobs`,
        r!.body,
        ts,
      ].join('+');
      expect(r!.headers['x-ovh-signature']).toBe(`$1$${createHash('sha1').update(toSign).digest('hex')}`);
    },
  },
  {
    provider: 'pushbullet',
    settings: { access_token: 'o.pb-secret' },
    to: ['device:phone', 'channel:ops'],
    from: 'Alert',
    answer: (r) =>
      r.url === '/v2/devices'
        ? {
            body: JSON.stringify({
              devices: [
                { iden: 'd0', nickname: 'tablet' },
                { iden: 'd1', nickname: 'phone' },
              ],
            }),
          }
        : { body: '{}' },
    check: (requests) => {
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['GET', '/v2/devices'],
        ['POST', '/v2/pushes'],
        ['POST', '/v2/pushes'],
      ]);
      expect(requests.every((r) => r.headers['access-token'] === 'o.pb-secret')).toBe(true);
      expect(json(requests[1]!)).toEqual({ type: 'note', title: 'Alert', body: TEXT, device_iden: 'd1' });
      expect(json(requests[2]!)).toEqual({ type: 'note', title: 'Alert', body: TEXT, channel_tag: 'ops' });
    },
  },
  {
    provider: 'sipgate',
    settings: { username: 'sg-user', password: 'sg-secret', url: '$API/v2/sessions/sms' },
    noBaseUrl: true,
    to: ['+4915100000001'],
    from: 's0',
    answer: () => ({ status: 204 }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/v2/sessions/sms']);
      expect(r!.headers.authorization).toBe(basic('sg-user', 'sg-secret'));
      expect(json(r!)).toEqual({ smsId: 's0', recipient: '+4915100000001', message: TEXT });
    },
  },
  {
    provider: 'smsc',
    settings: { login: 'smsc-user', password: 'smsc-secret' },
    to: ['79990000001', '79990000002'],
    from: 'Argus',
    answer: () => ({ body: 'OK - 1 SMS, ID - 42' }),
    check: (requests) => {
      expect(requests.map((r) => [r.method, new URL(r.url, 'http://x').pathname])).toEqual([
        ['GET', '/sys/send.php'],
        ['GET', '/sys/send.php'],
      ]);
      expect(Object.fromEntries(new URL(requests[1]!.url, 'http://x').searchParams)).toEqual({
        login: 'smsc-user',
        psw: 'smsc-secret',
        phones: '79990000002',
        sender: 'Argus',
        fmt: '0',
        mes: TEXT,
      });
    },
  },
  {
    provider: 'turbosms',
    settings: { login: 'turbo-user', password: 'turbo-secret' },
    to: ['+380500000001', '+380500000002'],
    from: 'Argus',
    answer: (r) =>
      r.body.includes('<ns1:Auth>')
        ? { headers: { 'Set-Cookie': 'PHPSESSID=s3ss; path=/' }, body: '<AuthResult>ok</AuthResult>' }
        : { body: '<SendSMSResult>ok</SendSMSResult>' },
    check: ([auth, sms]) => {
      expect([auth!.method, sms!.method]).toEqual(['POST', 'POST']);
      expect(auth!.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(auth!.body).toContain(
        '<ns1:login>turbo-user</ns1:login><ns1:password>turbo-secret</ns1:password>',
      );
      expect(sms!.headers.cookie).toBe('PHPSESSID=s3ss');
      expect(sms!.body).toContain('<ns1:sender>Argus</ns1:sender>');
      expect(sms!.body).toContain('<ns1:destination>+380500000001,+380500000002</ns1:destination>');
      expect(sms!.body).toContain('<ns1:text>FIRING \nalertname= DiskFull\ninstance= db1:9100</ns1:text>');
    },
  },
  {
    provider: 'twilio',
    settings: { account_sid: 'AC123', auth_token: 'tw-secret' },
    to: ['+15550000001', '+15550000002'],
    from: '+15550009999',
    answer: () => ({ status: 201, body: '{"sid":"SM1"}' }),
    check: (requests) => {
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/2010-04-01/Accounts/AC123/Messages.json'],
        ['POST', '/2010-04-01/Accounts/AC123/Messages.json'],
      ]);
      expect(requests[0]!.headers.authorization).toBe(basic('AC123', 'tw-secret'));
      expect(form(requests[0]!.body)).toEqual([
        ['From', '+15550009999'],
        ['To', '+15550000001'],
        ['Body', TEXT],
      ]);
    },
  },
];
