// Expected requests of the 10 providers added to sachet after 0.2.3 (up to 0.3.1).
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { basic, form } from './sms-fake-api.ts';
import { NOW, TEXT, json } from './sms-provider-cases.ts';
import type { ProviderCase } from './sms-provider-cases.ts';

export const CASES_LATER: ProviderCase[] = [
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
