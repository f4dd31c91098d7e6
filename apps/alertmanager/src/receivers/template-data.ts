import { GoTime, KV, TemplateAlert, TemplateData, ZERO_TIME } from '@argus/gotemplate';
import type { AlertmanagerTemplates } from '@argus/gotemplate';
import { isResolved } from '../domain/alert.ts';
import type { Alert, LabelSet } from '../domain/alert.ts';
import { NotifyError } from '../dispatch/notifier.ts';
import type { NotifyContext } from '../dispatch/stage.ts';
import { quoteMeta } from './go-json.ts';

function commonPairs(sets: readonly LabelSet[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const s of sets.slice(1)) for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}

function goTime(ms: number): GoTime {
  return GoTime.fromDate(new Date(ms));
}

/**
 * Upstream's `template.Data` for one notification: the receiver name through
 * `regexp.QuoteMeta`, `firing` if any alert fires, firing alerts with a zero `EndsAt`
 * (the dispatcher hands them over that way), common labels/annotations of the batch.
 */
export function templateData(
  ctx: NotifyContext,
  alerts: readonly Alert[],
  externalURL: string,
): TemplateData {
  const firing = alerts.some((a) => !isResolved(a, ctx.nowMs));
  return new TemplateData({
    receiver: quoteMeta(ctx.receiver),
    status: firing ? 'firing' : 'resolved',
    alerts: alerts.map((a) => {
      const resolved = isResolved(a, ctx.nowMs);
      return new TemplateAlert({
        status: resolved ? 'resolved' : 'firing',
        labels: new KV(a.labels),
        annotations: new KV(a.annotations),
        startsAt: goTime(a.startsAtMs),
        endsAt: resolved ? goTime(a.endsAtMs) : ZERO_TIME,
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      });
    }),
    groupLabels: new KV(ctx.groupLabels),
    commonLabels: new KV(commonPairs(alerts.map((a) => a.labels))),
    commonAnnotations: new KV(commonPairs(alerts.map((a) => a.annotations))),
    externalURL,
    routeLabels: new KV(ctx.route.labels),
  });
}

/**
 * Renders config strings against one notification's data (`notify.TmplText` /
 * `TmplHTML`). A template error is not retryable, as upstream; the message names the
 * field and Go's error text.
 */
export class Renderer {
  constructor(
    readonly templates: AlertmanagerTemplates,
    readonly data: unknown,
  ) {}

  text(template: string | undefined, field = 'template'): string {
    return this.#run(() => this.templates.executeText(template ?? '', this.data), field);
  }

  html(template: string | undefined, field = 'template'): string {
    return this.#run(() => this.templates.executeHtml(template ?? '', this.data), field);
  }

  /** Renders a templated secret; a failure names the field only (Go's text could quote the secret). */
  secret(template: string, field: string): string {
    try {
      return this.templates.executeText(template, this.data);
    } catch (error) {
      throw new NotifyError(`failed to template ${field}`, false, { cause: error });
    }
  }

  #run(fn: () => string, field: string): string {
    try {
      return fn();
    } catch (error) {
      throw new NotifyError(`failed to template ${field}: ${(error as Error).message}`, false, {
        cause: error,
      });
    }
  }
}

/** Upstream's `TruncateInRunes`: at most `n` code points, the last one `…` when cut. */
export function truncateRunes(s: string, n: number): [string, boolean] {
  const runes = Array.from(s);
  if (runes.length <= n) return [s, false];
  if (n <= 3) return [runes.slice(0, n).join(''), true];
  return [`${runes.slice(0, n - 1).join('')}…`, true];
}

/** Upstream's `TruncateInBytes`: at most `n` UTF-8 bytes, ending in `…` when cut, never splitting a character. */
export function truncateBytes(s: string, n: number): [string, boolean] {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= n) return [s, false];
  if (n <= 3) return [bytes.subarray(0, n).toString('utf8'), true];
  let end = n - 3;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return [`${bytes.subarray(0, end).toString('utf8')}…`, true];
}
