// Each provider's request against a local fake of its API: method, path, auth and body,
// driven through the config file and the /alert handler as a deployment would.
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@argus/testkit';
import type { TempDir } from '@argus/testkit';
import { handleAlert } from '../src/sms/alert-handler.ts';
import { loadSmsConfig } from '../src/sms/config.ts';
import { aliyunSignature } from '../src/sms/providers/aliyun.ts';
import { PROVIDERS } from '../src/sms/providers/registry.ts';
import { FakeApi, basic, form, webhook } from './sms-fake-api.ts';
import type { FakeAnswer, RecordedRequest } from './sms-fake-api.ts';

const TEXT = 'FIRING \nalertname= DiskFull\ninstance= db1:9100';
const NOW = new Date('2026-11-28T12:34:56.789Z');

interface ProviderCase {
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

const json = (r: RecordedRequest): unknown => JSON.parse(r.body);

const cases: ProviderCase[] = [
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
  {
    provider: 'esendex',
    settings: { user: 'es@example.com', api_token: 'es-secret', account_reference: 'EX0001' },
    to: ['447700900001', '447700900002'],
    from: 'Argus',
    check: (requests) => {
      expect(requests.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/v1.0/messagedispatcher'],
        ['POST', '/v1.0/messagedispatcher'],
      ]);
      expect(requests[0]!.headers.authorization).toBe(basic('es@example.com', 'es-secret'));
      expect(json(requests[1]!)).toEqual({
        accountreference: 'EX0001',
        messages: [{ from: 'Argus', to: '447700900002', body: TEXT }],
      });
    },
  },
  {
    provider: 'ghasedak',
    settings: { api_token: 'gh-secret' },
    to: ['09120000001', '09120000002'],
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/v2/sms/send/pair']);
      expect(r!.headers.apikey).toBe('gh-secret');
      expect(form(r!.body)).toEqual([
        ['message', TEXT],
        ['receptor', '09120000001,09120000002'],
      ]);
    },
  },
  {
    provider: 'kavenegar',
    settings: { api_token: 'kv-secret', phone_numbers: ['0912'] },
    to: ['09120000001', '09120000002'],
    from: '10004346',
    check: ([r]) => {
      const url = new URL(r!.url, 'http://x');
      expect([r!.method, url.pathname]).toEqual(['GET', '/v1/kv-secret/sms/send.json']);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        receptor: '09120000001,09120000002',
        sender: '10004346',
        message: TEXT,
      });
    },
  },
  {
    provider: 'mailruim',
    settings: { token: '001.mr-secret', url: '$API/bot/v1' },
    noBaseUrl: true,
    to: ['ops@chat.agent'],
    answer: () => ({ body: '{"ok":true,"msgId":"1"}' }),
    check: ([r]) => {
      const url = new URL(r!.url, 'http://x');
      expect([r!.method, url.pathname]).toEqual(['GET', '/bot/v1/messages/sendText']);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        token: '001.mr-secret',
        chatId: 'ops@chat.agent',
        text: TEXT,
      });
    },
  },
  {
    provider: 'melipayamak',
    settings: { username: 'mp-user', password: 'mp-secret', endpoint: '$API/api/SendSMS/SendSMS' },
    noBaseUrl: true,
    to: ['09120000001', '09120000002'],
    from: '5000',
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/api/SendSMS/SendSMS']);
      expect(json(r!)).toEqual({
        username: 'mp-user',
        password: 'mp-secret',
        to: '09120000001,09120000002',
        from: '5000',
        text: TEXT,
      });
    },
  },
  {
    provider: 'sap',
    settings: { url: '$API/cmn/acct/acct.sms', auth_hash: 'c2FwOnNlY3JldA==' },
    noBaseUrl: true,
    to: ['+4915100000001', '+4915100000002'],
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/cmn/acct/acct.sms']);
      expect(r!.headers.authorization).toBe('Basic c2FwOnNlY3JldA==');
      expect(r!.body).toBe(
        'Version=2.0\nSubject=Alert\n[MSISDN]\nList=+4915100000001,+4915100000002\n[MESSAGE]\n' +
          'Text=FIRING  - alertname= DiskFull - instance= db1:9100\n[SETUP]\nSplitText=yes\n[END]',
      );
    },
  },
  {
    provider: 'sfr',
    settings: {
      service_id: 'svc',
      service_password: 'sfr-secret',
      space_id: 'sp1',
      lang: 'fr_FR',
      tpoa: 'ARGUS',
    },
    to: ['0600000001'],
    answer: () => ({ body: '{"success":true,"response":123}' }),
    check: ([r]) => {
      const url = new URL(r!.url, 'http://x');
      expect(r!.method).toBe('GET');
      expect(JSON.parse(url.searchParams.get('authenticate')!)).toEqual({
        serviceId: 'svc',
        servicePassword: 'sfr-secret',
        spaceId: 'sp1',
        lang: 'fr_FR',
      });
      expect(JSON.parse(url.searchParams.get('messageUnitaire')!)).toEqual({
        media: 'SMSLong',
        textMsg: 'FIRING  - alertname= DiskFull - instance= db1:9100',
        to: '0600000001',
        from: 'ARGUS',
      });
    },
  },
  {
    provider: 'sms77',
    settings: { api_key: 's77-secret' },
    to: ['491710000001', '491710000002'],
    from: 'Argus',
    answer: () => ({ body: '{"success":"100","total_price":0.15}' }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/api/sms']);
      expect(r!.headers['x-api-key']).toBe('s77-secret');
      expect(json(r!)).toEqual({ from: 'Argus', text: TEXT, to: '491710000001,491710000002', json: 1 });
    },
  },
  {
    provider: 'tencentcloud',
    settings: {
      secret_id: 'AKIDtc',
      secret_key: 'tc-secret',
      app_id: '1400000001',
      region: 'ap-guangzhou',
      sign_name: 'Argus',
      template_code: '123456',
    },
    to: ['+8613800000001', '+8613800000002'],
    answer: () => ({
      body: '{"Response":{"SendStatusSet":[{"Code":"Ok"},{"Code":"Ok"}],"RequestId":"r"}}',
    }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/']);
      const params = Object.fromEntries(form(r!.body));
      expect(params).toMatchObject({
        Action: 'SendSms',
        Version: '2019-07-11',
        Region: 'ap-guangzhou',
        Timestamp: String(Math.floor(NOW.getTime() / 1000)),
        SecretId: 'AKIDtc',
        SignatureMethod: 'HmacSHA1',
        SmsSdkAppid: '1400000001',
        Sign: 'Argus',
        TemplateID: '123456',
        'TemplateParamSet.0': TEXT,
        'PhoneNumberSet.0': '+8613800000001',
        'PhoneNumberSet.1': '+8613800000002',
      });
      // Independent check of the documented HmacSHA1 signature: POST + host + /? + sorted k=v.
      const { Signature, ...signed } = params;
      const source = Object.keys(signed)
        .sort()
        .map((k) => `${k}=${signed[k]}`)
        .join('&');
      expect(Signature).toBe(
        createHmac('sha1', 'tc-secret').update(`POSTsms.tencentcloudapi.com/?${source}`).digest('base64'),
      );
    },
  },
  {
    provider: 'textmagic',
    settings: { username: 'tm-user', api_key: 'tm-secret' },
    to: ['447700900001', '447700900002'],
    from: 'Argus',
    answer: () => ({ status: 201, body: '{"id":1}' }),
    check: ([r]) => {
      expect([r!.method, r!.url]).toEqual(['POST', '/api/v2/messages']);
      expect(r!.headers.authorization).toBe(basic('tm-user', 'tm-secret'));
      expect(json(r!)).toEqual({ text: TEXT, phones: '447700900001,447700900002', from: 'Argus' });
    },
  },
];

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
});
