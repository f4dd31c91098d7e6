import { isResolved } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { goJson } from './go-json.ts';
import { HttpIntegration } from './integration.ts';
import { checkStatus } from './retry.ts';
import { readSecret } from './secrets.ts';

// Upstream's theme colours for the MessageCard.
const COLOR_RED = '8C1A1A';
const COLOR_GREEN = '2DC72D';

/** One alert per block: labels, annotations and source, in Markdown list form. */
const alertBlocks = (list: string) =>
  `{{ range ${list} }}` +
  String.raw`{{ "\nLabels:\n" }}{{ range .Labels.SortedPairs }}{{ printf "  - %s = %s\n" .Name .Value }}{{ end }}` +
  String.raw`{{ "\nAnnotations:\n" }}{{ range .Annotations.SortedPairs }}{{ printf "  - %s = %s\n" .Name .Value }}{{ end }}` +
  String.raw`{{ printf "\nSource: %s\n" .GeneratorURL }}{{ end }}`;

/**
 * Argus's text for `msteams.default.text` / `msteamsv2.default.text` (0.26+/0.28+; Debian's
 * 0.25 has neither), written to give upstream's output: the firing then the resolved
 * alerts under Markdown headings. Used when no template file defines the name.
 */
export const DEFAULT_TEXT =
  String.raw`{{ "\n" }}{{ if .Alerts.Firing }}{{ "\n# Alerts Firing:\n" }}` +
  alertBlocks('.Alerts.Firing') +
  String.raw`{{ "\n\n" }}{{ end }}{{ "\n" }}{{ if .Alerts.Resolved }}{{ "\n# Alerts Resolved:\n" }}` +
  alertBlocks('.Alerts.Resolved') +
  String.raw`{{ "\n\n" }}{{ end }}{{ "\n" }}`;

/** Config default for a template name: the named template if the set defines it, else our text. */
function named(has: (name: string) => boolean, name: string, inline: string): string {
  return has(name) ? `{{ template "${name}" . }}` : inline;
}

/**
 * `msteams_configs` (Office 365 connector webhooks): a MessageCard with title, summary,
 * text and a theme colour by status. `msteamsv2_configs` (Power Automate workflows, 0.28+):
 * an Adaptive Card message with the title as a bold heading and the text below. Only
 * 5xx is retried.
 */
export class MsteamsNotifier extends HttpIntegration {
  readonly integration: string = 'msteams';

  defaults(): { title: string; summary: string; text: string } {
    const has = (n: string) => this.env.templates.has(n);
    return {
      title: named(has, 'msteams.default.title', '{{ template "__subject" . }}'),
      summary: named(has, 'msteams.default.summary', '{{ template "__subject" . }}'),
      text: named(has, 'msteams.default.text', DEFAULT_TEXT),
    };
  }

  body(ctx: NotifyContext, alerts: readonly Alert[]): unknown {
    const r = this.renderer(ctx, alerts);
    const d = this.defaults();
    const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
    return {
      '@context': 'http://schema.org/extensions',
      type: 'MessageCard',
      title: r.text(this.tmplField('title', d.title), 'title'),
      summary: r.text(this.tmplField('summary', d.summary), 'summary'),
      text: r.text(this.tmplField('text', d.text), 'text'),
      themeColor: firing ? COLOR_RED : COLOR_GREEN,
    };
  }

  async notify(ctx: NotifyContext, alerts: readonly Alert[]): Promise<void> {
    const url = await readSecret(this.fields, 'webhook_url');
    if (url === '') throw new NotifyError(`no ${this.integration} webhook_url configured`, false);
    const res = await this.client.request(url, {
      headers: { 'content-type': 'application/json' },
      body: goJson(this.body(ctx, alerts)),
      deadlineMs: ctx.deadlineMs,
    });
    checkStatus(res.status, res.body);
  }
}

/** `msteamsv2_configs`: the same content as an Adaptive Card (Teams workflows). */
export class MsteamsV2Notifier extends MsteamsNotifier {
  override readonly integration = 'msteamsv2';

  override defaults(): { title: string; summary: string; text: string } {
    const has = (n: string) => this.env.templates.has(n);
    const base = super.defaults();
    return {
      ...base,
      title: named(has, 'msteamsv2.default.title', base.title),
      text: named(has, 'msteamsv2.default.text', base.text),
    };
  }

  override body(ctx: NotifyContext, alerts: readonly Alert[]): unknown {
    const r = this.renderer(ctx, alerts);
    const d = this.defaults();
    const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
    const title = r.text(this.tmplField('title', d.title), 'title');
    const text = r.text(this.tmplField('text', d.text), 'text');
    return {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: [
              {
                type: 'TextBlock',
                text: title,
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                style: 'heading',
                color: firing ? 'Attention' : 'Good',
              },
              { type: 'TextBlock', text, wrap: true },
            ],
            msteams: { width: 'full' },
          },
        },
      ],
    };
  }
}
