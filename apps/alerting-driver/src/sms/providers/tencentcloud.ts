import { createHmac, randomInt } from 'node:crypto';
import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, formBody, jsonAnswer, quote } from './http.ts';
import { SendError, requireTextType } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { flag, settingsOf, text } from './settings.ts';

// Tencent Cloud SMS (sachet 0.3+): SendSms of API version 2019-07-11, POSTed as a form and
// signed as the Go SDK does with SignMethod HmacSHA1: base64(HMAC-SHA1(secret_key,
// "POST" + host + "/?" + sorted k=v pairs joined by "&")). The text is the template's single
// parameter; `truncate` cuts it to 400 bytes as upstream.

const settings = settingsOf({
  secret_id: text(),
  secret_key: text(),
  app_id: text(),
  region: text(),
  endpoint: text(),
  sign_name: text(),
  template_code: text(),
  truncate: flag(),
});

const DEFAULT_HOST = 'sms.tencentcloudapi.com';
const TRUNCATE_BYTES = 400;

interface TencentReply {
  Response?: {
    Error?: { Code?: unknown; Message?: unknown };
    SendStatusSet?: { Code?: unknown; Message?: unknown }[];
  };
}

export const tencentcloud: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'tencentcloud',
  settings,
  secrets: (c) => [c.secret_key],
  create: (c, context) => ({
    async send(message) {
      requireTextType('tencentcloud', message);
      const host = c.endpoint || DEFAULT_HOST;
      const params: Record<string, string> = {
        Action: 'SendSms',
        Version: '2019-07-11',
        Region: c.region,
        Timestamp: String(Math.floor(context.now().getTime() / 1000)),
        Nonce: String(randomInt(1, 2 ** 31 - 1)),
        SecretId: c.secret_id,
        SignatureMethod: 'HmacSHA1',
        SmsSdkAppid: c.app_id,
        Sign: c.sign_name,
        TemplateID: c.template_code,
        'TemplateParamSet.0': c.truncate ? truncate(message.text) : message.text,
      };
      message.to.forEach((number, i) => (params[`PhoneNumberSet.${i}`] = number));
      params['Signature'] = tencentSignature(host, params, c.secret_key);
      const answer = await call('tencentcloud SendSms', {
        method: 'POST',
        url: c.base_url || `https://${host}/`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: formBody(Object.entries(params)),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('tencentcloud SendSms', answer, [200]);
      const reply = (jsonAnswer('tencentcloud SendSms', answer) as TencentReply).Response ?? {};
      if (reply.Error) {
        throw new SendError(
          `tencentcloud SendSms: ${String(reply.Error.Code)}: ${String(reply.Error.Message)}`,
        );
      }
      const failed = (reply.SendStatusSet ?? []).find((s) => s.Code !== 'Ok');
      if (failed) throw new SendError(`tencentcloud SendSms: ${quote(JSON.stringify(failed))}`);
    },
  }),
};

/** API 2.0 signature over the unencoded, sorted parameters. */
export function tencentSignature(
  host: string,
  params: Readonly<Record<string, string>>,
  secretKey: string,
): string {
  const query = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHmac('sha1', secretKey).update(`POST${host}/?${query}`).digest('base64');
}

/** Upstream's cut: the first 397 bytes and a note, when the text is over 400 bytes. */
function truncate(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= TRUNCATE_BYTES) return text;
  // Cut at a character boundary (Go cuts bytes and may split a character).
  let end = TRUNCATE_BYTES - 3;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString()}...\ntoo many text truncated, show detail on alert platform`;
}
