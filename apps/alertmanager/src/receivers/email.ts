import { isIP } from 'node:net';
import { createTransport } from 'nodemailer';
import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { Notifier } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { ARGUS_EMAIL_HTML } from './email-template.ts';
import { tlsOptions } from './http-client.ts';
import { str } from './integration.ts';
import type { Fields, IntegrationEnv } from './integration.ts';
import { plain, readSecret } from './secrets.ts';
import { Renderer, templateData } from './template-data.ts';

/** Go's `textproto.CanonicalMIMEHeaderKey`: `x-team` → `X-Team`. */
function canonicalHeader(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** Headers nodemailer writes itself from the message fields rather than verbatim. */
const MANAGED = new Set(['From', 'To', 'Subject', 'Cc', 'Bcc', 'Reply-To']);

/**
 * `email_configs`: one message per notification through `smarthost` with nodemailer.
 * Headers (`To`, `From`, `Subject` defaulting to `email.default.subject`, and any in
 * `headers`) are templated; the body is multipart/alternative with the `text` part (when
 * configured) and the `html` part (`email.default.html` by default). `require_tls`
 * (default true) insists on STARTTLS; port 465 or `force_implicit_tls` means TLS from the
 * start; auth is PLAIN/LOGIN with `auth_username`/`auth_password` (or CRAM-MD5 with
 * `auth_secret`), picked from what the server offers. Every SMTP failure is retried, as
 * upstream; template and address errors are not.
 */
export class EmailNotifier implements Notifier {
  readonly integration = 'email';

  constructor(
    readonly fields: Fields,
    readonly index: number,
    readonly sendResolved: boolean,
    readonly env: IntegrationEnv,
  ) {}

  /** A field of the integration, else its `global.smtp_*` default. */
  #opt(key: string): unknown {
    const own = this.fields[key];
    if (own !== undefined && own !== '') return own;
    return this.env.global[`smtp_${key}`];
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const r = new Renderer(this.env.templates, templateData(ctx, alerts, this.env.externalURL));
    const to = str(this.fields, 'to');
    const headerTemplates: Record<string, string> = {};
    for (const [k, v] of Object.entries((this.fields['headers'] ?? {}) as Record<string, string>))
      headerTemplates[canonicalHeader(k)] = v;
    headerTemplates['Subject'] ??= '{{ template "email.default.subject" . }}';
    headerTemplates['To'] ??= to;
    headerTemplates['From'] ??= plain(this.#opt('from'));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(headerTemplates))
      headers[k] = r.text(v, `header ${JSON.stringify(k)}`);

    const htmlTemplate =
      this.fields['html'] !== undefined
        ? str(this.fields, 'html')
        : this.env.templates.has('email.default.html')
          ? '{{ template "email.default.html" . }}'
          : ARGUS_EMAIL_HTML;
    const html = r.html(htmlTemplate, 'html');
    const text = r.text(str(this.fields, 'text'), 'text');

    const smarthost = plain(this.#opt('smarthost'));
    const colon = smarthost.lastIndexOf(':');
    if (colon <= 0)
      throw new NotifyError(`invalid smarthost ${JSON.stringify(smarthost)}: missing port`, false);
    const host = smarthost.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(smarthost.slice(colon + 1));
    const implicitTls = this.#opt('force_implicit_tls') === true || port === 465;
    const requireTls = this.#opt('require_tls') !== false;
    const tlsFields = (this.fields['tls_config'] ?? this.env.global['smtp_tls_config']) as
      Record<string, unknown> | undefined;
    // Go verifies against the smarthost's host name; Node does the same without SNI for an IP.
    const tls = { ...(isIP(host) ? {} : { servername: host }), ...(await tlsOptions(tlsFields)) };

    const user = plain(this.#opt('auth_username'));
    const password = await this.#secret('auth_password');
    const secret = await this.#secret('auth_secret');
    let auth: Record<string, string> | undefined;
    if (user !== '' && password !== '') auth = { user, pass: password };
    else if (user !== '' && secret !== '') auth = { user, pass: secret, method: 'CRAM-MD5' };

    const remaining = Math.max(1, ctx.deadlineMs - Date.now());
    const transport = createTransport({
      host,
      port,
      secure: implicitTls,
      requireTLS: !implicitTls && requireTls,
      ignoreTLS: !implicitTls && !requireTls,
      name: plain(this.#opt('hello')) || 'localhost',
      tls,
      auth,
      connectionTimeout: remaining,
      greetingTimeout: remaining,
      socketTimeout: remaining,
    } as Parameters<typeof createTransport>[0]);
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (!MANAGED.has(k)) extra[k] = v;
    try {
      await transport.sendMail({
        from: headers['From'],
        to: headers['To'],
        subject: headers['Subject'],
        ...(headers['Cc'] ? { cc: headers['Cc'] } : {}),
        ...(headers['Reply-To'] ? { replyTo: headers['Reply-To'] } : {}),
        headers: extra,
        ...(text !== '' ? { text } : {}),
        ...(html !== '' ? { html } : {}),
      });
    } catch (error) {
      const e = error as Error & { code?: string; command?: string };
      const what = e.code === 'EAUTH' ? 'auth' : e.command ? `SMTP ${e.command}` : 'send';
      // nodemailer's text can quote the server's answer but never the password.
      throw new NotifyError(`email ${what} failed (${e.code ?? 'error'}): ${e.message}`, true, {
        cause: error,
      });
    } finally {
      transport.close();
    }
  }

  async #secret(key: string): Promise<string> {
    const own = await readSecret(this.fields, key);
    if (own !== '') return own;
    return readSecret(this.env.global as Record<string, unknown>, `smtp_${key}`);
  }
}
