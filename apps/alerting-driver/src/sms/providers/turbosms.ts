import type { Decoded } from '@argus/service-kit';
import { call, expectStatus } from './http.ts';
import type { ProviderDefinition } from './provider.ts';
import { baseUrl, settingsOf, text } from './settings.ts';

// TurboSMS SOAP API (http://turbosms.in.ua/api/soap.html): Auth, then SendSMS in the same
// session (cookie). Recipients are joined by commas into one destination.

const settings = settingsOf({ login: text(), password: text() });

const SOAP_URL = 'http://turbosms.in.ua/api/soap.html';

export const turbosms: ProviderDefinition<Decoded<typeof settings>> = {
  name: 'turbosms',
  settings,
  secrets: (c) => [c.password],
  create: (c, context) => ({
    async send(message) {
      const url = baseUrl(c, SOAP_URL);
      const soap = (what: string, body: string, cookie?: string) =>
        call(`turbosms ${what}`, {
          method: 'POST',
          url,
          headers: { 'Content-Type': 'text/xml; charset=utf-8', ...(cookie ? { Cookie: cookie } : {}) },
          body: envelope(body),
          timeoutMs: context.timeoutMs,
        });
      const auth = await soap(
        'Auth',
        `<ns1:Auth><ns1:login>${xml(c.login)}</ns1:login><ns1:password>${xml(c.password)}</ns1:password></ns1:Auth>`,
      );
      expectStatus('turbosms Auth', auth, [200]);
      const cookie = sessionCookie(auth.headers);
      const sms = await soap(
        'SendSMS',
        `<ns1:SendSMS><ns1:sender>${xml(message.from)}</ns1:sender>` +
          `<ns1:destination>${xml(message.to.join(','))}</ns1:destination>` +
          `<ns1:text>${xml(message.text)}</ns1:text><ns1:wappush></ns1:wappush></ns1:SendSMS>`,
        cookie,
      );
      expectStatus('turbosms SendSMS', sms, [200]);
    },
  }),
};

function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:ns1="http://turbosms.in.ua/api/Turbo"><SOAP-ENV:Body>' +
    body +
    '</SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The `name=value` pairs of every Set-Cookie, for the next request of the session. */
function sessionCookie(headers: Headers): string | undefined {
  const cookies = headers.getSetCookie().map((line) => line.split(';')[0]!.trim());
  return cookies.length > 0 ? cookies.join('; ') : undefined;
}
