import { createHmac, randomUUID } from 'node:crypto';
import type { Decoded } from '@argus/service-kit';
import { call, expectStatus, formBody, jsonAnswer, quote } from './http.ts';
import { SendError, requireTextType } from './provider.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// Alibaba Cloud SMS (Dysmsapi 2017-05-25) SendSms, an RPC-style API signed with
// signature version 1.0 (HMAC-SHA1 over the sorted, percent-encoded parameters).

const settings = settingsOf({
  region_id: text(),
  access_key: text(),
  access_key_secret: text(),
  sign_name: text(),
  template_code: text(),
  template_param_key: text(),
});

/** Regions with their own public Dysmsapi endpoint (Alibaba Cloud's SMS endpoint list). */
const REGIONAL = new Set(['ap-southeast-1', 'ap-southeast-5', 'eu-central-1']);

/**
 * The Dysmsapi endpoint for `region_id`, as the SDK resolves it: Chinese regions (and none)
 * use the central endpoint, the regions in {@link REGIONAL} their own, other regions Singapore's.
 */
export function aliyunEndpoint(region: string): string {
  if (region === '' || region.startsWith('cn-')) return 'https://dysmsapi.aliyuncs.com/';
  return `https://dysmsapi.${REGIONAL.has(region) ? region : 'ap-southeast-1'}.aliyuncs.com/`;
}

export const aliyun: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'aliyun',
  settings,
  secrets: (c) => [c.access_key_secret],
  create: (c, context) => ({
    async send(message) {
      requireTextType('aliyun', message);
      const params: Record<string, string> = {
        AccessKeyId: c.access_key,
        Action: 'SendSms',
        Format: 'JSON',
        RegionId: c.region_id,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        Timestamp: context
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        Version: '2017-05-25',
        PhoneNumbers: message.to.join(','),
        SignName: c.sign_name,
        TemplateCode: c.template_code,
        TemplateParam: JSON.stringify({ [c.template_param_key]: message.text }),
      };
      params['Signature'] = aliyunSignature('POST', params, c.access_key_secret);
      const answer = await call('aliyun SendSms', {
        method: 'POST',
        url: baseUrl(c, aliyunEndpoint(c.region_id)),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: formBody(Object.entries(params)),
        timeoutMs: context.timeoutMs,
      });
      expectStatus('aliyun SendSms', answer);
      const reply = jsonAnswer('aliyun SendSms', answer) as { Code?: unknown };
      if (reply.Code !== 'OK') throw new SendError(`aliyun SendSms: ${quote(answer.text)}`);
    },
  }),
};

/** RFC 3986 percent-encoding as Alibaba Cloud's signature wants it (space → %20, `*` → %2A). */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Signature 1.0: base64(HMAC-SHA1(secret + "&", METHOD & %2F & encode(sorted query))). */
export function aliyunSignature(
  method: string,
  params: Readonly<Record<string, string>>,
  secret: string,
): string {
  const query = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k]!)}`)
    .join('&');
  const toSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(query)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}
