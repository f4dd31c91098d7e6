import { isValidLegacyLabelName } from '@argus/model';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AlertmanagerCore } from '../alertmanager-core.ts';
import { AlertmanagerError, SilenceNotFoundError } from '../errors.ts';
import { compareAlerts, isResolved, labelSetBefore, labelSetEqual, makeAlert } from '../domain/alert.ts';
import type { Alert } from '../domain/alert.ts';
import { AmMatcher, matchAll } from '../domain/am-matcher.ts';
import { parseMatcher } from '../domain/parse-matchers.ts';
import { matcherFromApi, silenceState } from '../domain/silences.ts';
import type { Silence } from '../domain/silences.ts';
import { DISABLED_CLUSTER } from '../cluster/cluster-peer.ts';
import type { ClusterStatus } from '../cluster/cluster-peer.ts';
import type { ApiAlertMetrics } from '../metrics/state-metrics.ts';

/** What `/api/v2/status` reports besides the config. */
export interface ApiInfo {
  readonly version: string;
  readonly revision: string;
  readonly startedAtMs: number;
  readonly now?: () => number;
  /** The cluster's status (`/api/v2/status` `cluster`); absent: clustering disabled. */
  readonly cluster?: () => ClusterStatus;
  /** `alertmanager_alerts_received_total` / `…_invalid_total` (metrics/state-metrics.ts). */
  readonly alertMetrics?: ApiAlertMetrics;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '' || value.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? Number.NaN : ms;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).type('application/json').send(JSON.stringify(message));
}

function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** The matchers of repeated `filter` parameters. */
function filterMatchers(raw: unknown): AmMatcher[] {
  return queryList(raw).map((f) => parseMatcher(f));
}

/** The `filter`, `receiver`, `active`, `silenced` and `inhibited` parameters of the alert listings. */
interface AlertQuery {
  readonly matchers: AmMatcher[];
  readonly receiverRe: AmMatcher | undefined;
  shows(status: { state: string; silencedBy: readonly string[]; inhibitedBy: readonly string[] }): boolean;
}

/** Parses the alert listings' parameters; a bad matcher or receiver regex throws. */
function alertQuery(q: Record<string, unknown>): AlertQuery {
  const matchers = filterMatchers(q['filter']);
  const receiverRe =
    typeof q['receiver'] === 'string' && q['receiver'] !== ''
      ? new AmMatcher('=~', 'receiver', q['receiver'])
      : undefined;
  const showActive = queryBool(q['active'], true);
  const showSilenced = queryBool(q['silenced'], true);
  const showInhibited = queryBool(q['inhibited'], true);
  return {
    matchers,
    receiverRe,
    shows: (status) =>
      (showActive || status.state !== 'active') &&
      (showSilenced || status.silencedBy.length === 0) &&
      (showInhibited || status.inhibitedBy.length === 0),
  };
}

function queryBool(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return String(value) !== 'false';
}

/**
 * Registers Alertmanager's API v2 (`openapi.yaml`) under `/api/v2`: alerts, alert groups,
 * silences, status and receivers, with upstream's JSON shapes and error bodies (a JSON
 * string) so `amtool` works unchanged.
 */
export function registerApiV2(app: FastifyInstance, core: AlertmanagerCore, info: ApiInfo): void {
  const now = info.now ?? Date.now;

  const gettableAlert = (alert: Alert, nowMs: number) => ({
    annotations: alert.annotations,
    endsAt: iso(alert.endsAtMs),
    fingerprint: alert.fingerprint,
    receivers: core.receiversOf(alert).map((name) => ({ name })),
    startsAt: iso(alert.startsAtMs),
    status: core.status(alert, nowMs),
    updatedAt: iso(alert.updatedAtMs),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    labels: alert.labels,
  });

  app.post('/api/v2/alerts', async (request, reply) => {
    const body = request.body;
    if (!Array.isArray(body)) return badRequest(reply, 'body must be a list of alerts');
    const nowMs = now();
    const resolveTimeoutMs = core.config.resolveTimeoutMs;
    const errors: string[] = [];
    const valid: Alert[] = [];
    for (const item of body as unknown[]) {
      const a = (item ?? {}) as Record<string, unknown>;
      const postedEnd = parseTime(a['endsAt']);
      info.alertMetrics?.received(postedEnd !== undefined && postedEnd <= nowMs ? 'resolved' : 'firing');
      if (!isStringMap(a['labels'])) {
        errors.push('labels in body is required');
        continue;
      }
      if (a['annotations'] !== undefined && !isStringMap(a['annotations'])) {
        errors.push('annotations must be a map of strings');
        continue;
      }
      let startsAtMs = parseTime(a['startsAt']);
      let endsAtMs = parseTime(a['endsAt']);
      if (Number.isNaN(startsAtMs) || Number.isNaN(endsAtMs)) {
        errors.push('startsAt and endsAt must be RFC3339 date-times');
        continue;
      }
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(a['labels'])) if (v !== '') labels[k] = v;
      if (startsAtMs === undefined) startsAtMs = endsAtMs ?? nowMs;
      const timeout = endsAtMs === undefined;
      if (endsAtMs === undefined) endsAtMs = nowMs + resolveTimeoutMs;
      const problem =
        Object.keys(labels).length === 0
          ? 'at least one label pair required'
          : endsAtMs < startsAtMs
            ? 'start time must be before end time'
            : Object.keys(labels).find((n) => !isValidLegacyLabelName(n));
      if (problem !== undefined) {
        errors.push(
          problem === 'at least one label pair required' || problem === 'start time must be before end time'
            ? problem
            : `invalid label set: invalid name ${JSON.stringify(problem)}`,
        );
        continue;
      }
      valid.push(
        makeAlert({
          labels,
          annotations: (a['annotations'] as Record<string, string> | undefined) ?? {},
          startsAtMs,
          endsAtMs,
          generatorURL: typeof a['generatorURL'] === 'string' ? a['generatorURL'] : '',
          updatedAtMs: nowMs,
          timeout,
        }),
      );
    }
    core.alerts.put(valid);
    for (let i = 0; i < errors.length; i++) info.alertMetrics?.invalid();
    if (errors.length > 0) return badRequest(reply, errors.join(';'));
    return reply.code(200).send();
  });

  app.get('/api/v2/alerts', async (request, reply) => {
    let query: AlertQuery;
    try {
      query = alertQuery(request.query as Record<string, unknown>);
    } catch (error) {
      return badRequest(reply, (error as Error).message);
    }
    const { matchers, receiverRe } = query;
    const nowMs = now();
    const out = [];
    for (const alert of [...core.alerts.all()].sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1))) {
      if (isResolved(alert, nowMs) || !matchAll(matchers, alert.labels)) continue;
      if (receiverRe && !core.receiversOf(alert).some((r) => receiverRe.matches(r))) continue;
      const view = gettableAlert(alert, nowMs);
      if (query.shows(view.status)) out.push(view);
    }
    return out;
  });

  app.get('/api/v2/alerts/groups', async (request, reply) => {
    let query: AlertQuery;
    try {
      query = alertQuery(request.query as Record<string, unknown>);
    } catch (error) {
      return badRequest(reply, (error as Error).message);
    }
    const { matchers, receiverRe } = query;
    const nowMs = now();
    const groups = [];
    for (const g of core.groups(nowMs)) {
      if (receiverRe && !receiverRe.matches(g.route.options.receiver)) continue;
      const alerts = g.alerts
        .filter((a) => matchAll(matchers, a.labels))
        .sort(compareAlerts)
        .map((a) => gettableAlert(a, nowMs))
        .filter((v) => query.shows(v.status));
      if (alerts.length === 0) continue;
      groups.push({
        alerts,
        labels: g.labels,
        receiver: { name: g.route.options.receiver },
        routeLabels: g.route.options.labels,
      });
    }
    groups.sort((a, b) => {
      if (labelSetEqual(a.labels, b.labels))
        return a.receiver.name < b.receiver.name ? -1 : a.receiver.name > b.receiver.name ? 1 : 0;
      return labelSetBefore(a.labels, b.labels) ? -1 : 1;
    });
    return groups;
  });

  const gettableSilence = (s: Silence, nowMs: number) => ({
    id: s.id,
    status: { state: silenceState(s, nowMs) },
    updatedAt: iso(s.updatedAtMs),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: iso(s.endsAtMs),
    matchers: s.matchers.map((m) => ({
      isEqual: m.isEqual,
      isRegex: m.isRegex,
      name: m.name,
      value: m.value,
    })),
    startsAt: iso(s.startsAtMs),
  });

  app.get('/api/v2/silences', async (request, reply) => {
    let matchers: AmMatcher[];
    try {
      matchers = filterMatchers((request.query as Record<string, unknown>)['filter']);
    } catch (error) {
      return badRequest(reply, (error as Error).message);
    }
    const nowMs = now();
    const rank = { active: 0, pending: 1, expired: 2 } as const;
    // As upstream: a filter matcher selects the silences that have an equivalent matcher
    // (same name, type and value), not those whose values it would match.
    return core.silences
      .all()
      .filter((s) =>
        matchers.every((f) =>
          s.matchers.some((m) => m.name === f.name && m.type === f.type && m.value === f.value),
        ),
      )
      .sort((a, b) => {
        const sa = silenceState(a, nowMs);
        const sb = silenceState(b, nowMs);
        if (sa !== sb) return rank[sa] - rank[sb];
        if (sa === 'active') return a.endsAtMs - b.endsAtMs;
        if (sa === 'pending') return a.startsAtMs - b.startsAtMs;
        return b.endsAtMs - a.endsAtMs;
      })
      .map((s) => gettableSilence(s, nowMs));
  });

  app.post('/api/v2/silences', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const rawMatchers = body['matchers'];
    if (!Array.isArray(rawMatchers) || rawMatchers.length === 0)
      return badRequest(reply, 'matchers in body is required');
    let matchers: AmMatcher[];
    try {
      matchers = rawMatchers.map((m) => {
        const r = (m ?? {}) as Record<string, unknown>;
        if (
          typeof r['name'] !== 'string' ||
          typeof r['value'] !== 'string' ||
          typeof r['isRegex'] !== 'boolean'
        ) {
          throw new Error('matchers need name, value and isRegex');
        }
        return matcherFromApi({
          name: r['name'],
          value: r['value'],
          isRegex: r['isRegex'],
          isEqual: typeof r['isEqual'] === 'boolean' ? r['isEqual'] : true,
        });
      });
    } catch (error) {
      return badRequest(reply, (error as Error).message);
    }
    const startsAtMs = parseTime(body['startsAt']);
    const endsAtMs = parseTime(body['endsAt']);
    if (
      startsAtMs === undefined ||
      endsAtMs === undefined ||
      Number.isNaN(startsAtMs) ||
      Number.isNaN(endsAtMs)
    ) {
      return badRequest(reply, 'startsAt and endsAt in body are required');
    }
    if (startsAtMs >= endsAtMs)
      return badRequest(reply, 'Failed to create silence: start time must be before end time');
    const nowMs = now();
    if (endsAtMs < nowMs) return badRequest(reply, "Failed to create silence: end time can't be in the past");
    try {
      const silenceID = core.silences.set(
        {
          id: typeof body['id'] === 'string' && body['id'] !== '' ? body['id'] : undefined,
          matchers,
          startsAtMs,
          endsAtMs,
          createdBy: typeof body['createdBy'] === 'string' ? body['createdBy'] : '',
          comment: typeof body['comment'] === 'string' ? body['comment'] : '',
        },
        nowMs,
      );
      return { silenceID };
    } catch (error) {
      if (error instanceof SilenceNotFoundError)
        return reply.code(404).type('application/json').send(JSON.stringify(error.message));
      if (error instanceof AlertmanagerError) return badRequest(reply, error.message);
      throw error;
    }
  });

  app.get('/api/v2/silence/:id', async (request, reply) => {
    const s = core.silences.get((request.params as { id: string }).id);
    if (s === undefined) return reply.code(404).send();
    return gettableSilence(s, now());
  });

  app.delete('/api/v2/silence/:id', async (request, reply) => {
    try {
      core.silences.expire((request.params as { id: string }).id, now());
      return reply.code(200).send();
    } catch (error) {
      if (error instanceof SilenceNotFoundError)
        return reply.code(404).type('application/json').send(JSON.stringify(error.message));
      throw error;
    }
  });

  app.get('/api/v2/status', async () => ({
    cluster: info.cluster?.() ?? DISABLED_CLUSTER,
    config: { original: core.config.original },
    uptime: iso(info.startedAtMs),
    versionInfo: {
      branch: 'HEAD',
      buildDate: '',
      buildUser: 'argus',
      goVersion: 'none',
      revision: info.revision,
      version: info.version,
    },
  }));

  app.get('/api/v2/receivers', async () => [...core.config.receivers.keys()].map((name) => ({ name })));
}
