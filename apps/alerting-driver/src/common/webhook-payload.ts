// The Alertmanager webhook payload, version 4 (see conformance/alertmanager/NOTES.md §5), as both
// drivers read it. Pure: no HTTP here, so each mode maps `WebhookPayloadError` to its own reply.

/** Largest webhook body either driver accepts; bigger bodies get 413 before they are parsed. */
export const MAX_WEBHOOK_BODY_BYTES = 4 * 1024 * 1024;

export interface WebhookAlert {
  /** `firing`, `resolved`, or whatever the sender wrote; `''` when absent. */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
  /** String-valued annotations only; any other value (object, number) is dropped. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface WebhookPayload {
  readonly version: string;
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: string;
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

/** A body that is not a webhook payload; `where` is a JSON path such as `alerts[2].labels`. */
export class WebhookPayloadError extends Error {
  readonly code = 'bad_webhook_payload';
  /** Always a client error: the sender must fix the payload, retrying will not help. */
  readonly statusCode = 400;
  constructor(
    readonly where: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`invalid Alertmanager webhook payload: ${where === '' ? '' : `${where}: `}${reason}`, options);
    this.name = 'WebhookPayloadError';
  }
}

/**
 * Parses a webhook body (bytes or text, UTF-8). Missing optional fields become `''`, `{}` or 0;
 * a body that is not JSON, not an object, or lacks the `alerts` list throws WebhookPayloadError.
 */
export function parseWebhookPayload(body: string | Uint8Array): WebhookPayload {
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  if (text.trim() === '') throw new WebhookPayloadError('', 'empty body, expected JSON');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WebhookPayloadError('', `body is not JSON (${(error as Error).message})`, { cause: error });
  }
  const root = object(value, '');
  if (root.alerts === undefined || root.alerts === null)
    throw new WebhookPayloadError('alerts', 'missing field');
  if (!Array.isArray(root.alerts))
    throw new WebhookPayloadError('alerts', `expected a list, got ${kind(root.alerts)}`);
  return {
    version: str(root.version, 'version'),
    groupKey: str(root.groupKey, 'groupKey'),
    truncatedAlerts: num(root.truncatedAlerts, 'truncatedAlerts'),
    status: str(root.status, 'status'),
    receiver: str(root.receiver, 'receiver'),
    groupLabels: labels(root.groupLabels, 'groupLabels'),
    commonLabels: labels(root.commonLabels, 'commonLabels'),
    commonAnnotations: annotations(root.commonAnnotations, 'commonAnnotations'),
    externalURL: str(root.externalURL, 'externalURL'),
    alerts: root.alerts.map((a: unknown, i) => alert(a, `alerts[${i}]`)),
  };
}

function alert(value: unknown, where: string): WebhookAlert {
  const a = object(value, where);
  return {
    status: str(a.status, `${where}.status`),
    labels: labels(a.labels, `${where}.labels`),
    annotations: annotations(a.annotations, `${where}.annotations`),
    startsAt: str(a.startsAt, `${where}.startsAt`),
    endsAt: str(a.endsAt, `${where}.endsAt`),
    generatorURL: str(a.generatorURL, `${where}.generatorURL`),
    fingerprint: str(a.fingerprint, `${where}.fingerprint`),
  };
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebhookPayloadError(where, `expected an object, got ${kind(value)}`);
  }
  return value as Record<string, unknown>;
}

function str(value: unknown, where: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new WebhookPayloadError(where, `expected a string, got ${kind(value)}`);
  return value;
}

function num(value: unknown, where: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number')
    throw new WebhookPayloadError(where, `expected a number, got ${kind(value)}`);
  return value;
}

function labels(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(object(value, where))) {
    if (typeof v !== 'string')
      throw new WebhookPayloadError(`${where}.${name}`, `expected a string, got ${kind(v)}`);
    out[name] = v;
  }
  return out;
}

function annotations(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(object(value, where))) if (typeof v === 'string') out[name] = v;
  return out;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
