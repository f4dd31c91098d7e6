import { schema as s } from '@argus/service-kit';
import type { Decoder, Secret, YamlPosition } from '@argus/service-kit';
import { httpConfig, receiverConfig } from './receiver-schema.ts';
import type { ReceiverConfig } from './receiver-schema.ts';

/** Adds the position of the decoded mapping as `at`, for checks made after decoding. */
function located<T extends object>(inner: Decoder<T>): Decoder<T & { at: YamlPosition }> {
  return {
    expected: inner.expected,
    decode(node, at, ctx) {
      const value = inner.decode(node, at, ctx);
      const where = node ?? at;
      return { ...(value ?? ({} as T)), at: { line: where.line, column: where.column } };
    },
  };
}

/** A string list item with its own position (matchers, interval names). */
export interface LocatedString {
  readonly text: string;
  readonly at: YamlPosition;
}

const locatedString: Decoder<LocatedString> = {
  expected: 'string',
  decode(node, at, ctx) {
    const text = s.string().decode(node, at, ctx);
    const where = node ?? at;
    return { text, at: { line: where.line, column: where.column } };
  },
};

/** `global:` as written (every field optional; defaults are applied by the loader). */
export const globalConfig = s.object({
  resolve_timeout: s.optional(s.duration()),
  http_config: s.optional(httpConfig),
  smtp_from: s.optional(s.string()),
  smtp_hello: s.optional(s.string()),
  smtp_smarthost: s.optional(s.string()),
  smtp_auth_username: s.optional(s.string()),
  smtp_auth_password: s.optional(s.secret()),
  smtp_auth_password_file: s.optional(s.string()),
  smtp_auth_secret: s.optional(s.secret()),
  smtp_auth_secret_file: s.optional(s.string()),
  smtp_auth_identity: s.optional(s.string()),
  smtp_require_tls: s.optional(s.bool()),
  smtp_tls_config: s.optional(s.object({}, { allowUnknown: true })),
  smtp_force_implicit_tls: s.optional(s.bool()),
  slack_api_url: s.optional(s.secret()),
  slack_api_url_file: s.optional(s.string()),
  slack_app_token: s.optional(s.secret()),
  slack_app_token_file: s.optional(s.string()),
  slack_app_url: s.optional(s.string()),
  victorops_api_key: s.optional(s.secret()),
  victorops_api_key_file: s.optional(s.string()),
  victorops_api_url: s.optional(s.string()),
  pagerduty_url: s.optional(s.string()),
  opsgenie_api_key: s.optional(s.secret()),
  opsgenie_api_key_file: s.optional(s.string()),
  opsgenie_api_url: s.optional(s.string()),
  wechat_api_url: s.optional(s.string()),
  wechat_api_secret: s.optional(s.secret()),
  wechat_api_secret_file: s.optional(s.string()),
  wechat_api_corp_id: s.optional(s.string()),
  telegram_api_url: s.optional(s.string()),
  telegram_bot_token: s.optional(s.secret()),
  telegram_bot_token_file: s.optional(s.string()),
  webex_api_url: s.optional(s.string()),
  jira_api_url: s.optional(s.string()),
  rocketchat_api_url: s.optional(s.string()),
  rocketchat_token: s.optional(s.secret()),
  rocketchat_token_file: s.optional(s.string()),
  rocketchat_token_id: s.optional(s.secret()),
  rocketchat_token_id_file: s.optional(s.string()),
  mattermost_webhook_url: s.optional(s.secret()),
  mattermost_webhook_url_file: s.optional(s.string()),
});

/** A route node as written in the file. */
export interface RouteConfig {
  receiver?: string;
  group_by?: LocatedString[];
  continue?: boolean;
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  matchers?: LocatedString[];
  group_wait?: number;
  group_interval?: number;
  repeat_interval?: number;
  mute_time_intervals?: LocatedString[];
  active_time_intervals?: LocatedString[];
  labels?: Record<string, string>;
  routes?: RouteConfig[];
  at: YamlPosition;
}

const routeConfig: Decoder<RouteConfig> = {
  expected: 'mapping',
  decode: (node, at, ctx) => routeFields.decode(node, at, ctx),
};

const routeFields: Decoder<RouteConfig> = located(
  s.object({
    receiver: s.optional(s.string()),
    group_by: s.optional(s.list(locatedString)),
    continue: s.optional(s.bool()),
    match: s.optional(s.record(s.string())),
    match_re: s.optional(s.record(s.string())),
    matchers: s.optional(s.list(locatedString)),
    group_wait: s.optional(s.duration()),
    group_interval: s.optional(s.duration()),
    repeat_interval: s.optional(s.duration()),
    mute_time_intervals: s.optional(s.list(locatedString)),
    active_time_intervals: s.optional(s.list(locatedString)),
    labels: s.optional(s.record(s.string())),
    routes: s.optional(s.list(routeConfig)),
  }),
);

const inhibitRuleConfig = located(
  s.object({
    name: s.optional(s.string()),
    source_match: s.optional(s.record(s.string())),
    source_match_re: s.optional(s.record(s.string())),
    source_matchers: s.optional(s.list(locatedString)),
    target_match: s.optional(s.record(s.string())),
    target_match_re: s.optional(s.record(s.string())),
    target_matchers: s.optional(s.list(locatedString)),
    equal: s.optional(s.list(s.string())),
  }),
);

/** One `inhibit_rules` entry as written. */
export type InhibitRuleConfig = ReturnType<typeof inhibitRuleConfig.decode>;

const timeSpecConfig = located(
  s.object({
    times: s.optional(s.list(located(s.object({ start_time: s.string(), end_time: s.string() })))),
    weekdays: s.optional(s.list(locatedString)),
    days_of_month: s.optional(s.list(locatedString)),
    months: s.optional(s.list(locatedString)),
    years: s.optional(s.list(locatedString)),
    location: s.optional(locatedString),
  }),
);

/** One spec of a time interval as written. */
export type TimeSpecConfig = ReturnType<typeof timeSpecConfig.decode>;

const timeIntervalConfig = located(
  s.object({
    name: s.string(),
    time_intervals: s.optional(s.list(timeSpecConfig)),
  }),
);

/** One `time_intervals` / `mute_time_intervals` entry as written. */
export type TimeIntervalConfig = ReturnType<typeof timeIntervalConfig.decode>;

/** The whole `alertmanager.yml` as written. */
export const alertmanagerConfig = s.object({
  global: s.optional(globalConfig),
  templates: s.optional(s.list(s.string())),
  route: s.optional(routeConfig),
  receivers: s.optional(s.list(located(receiverConfig as Decoder<ReceiverConfig>))),
  inhibit_rules: s.optional(s.list(inhibitRuleConfig)),
  mute_time_intervals: s.optional(s.list(timeIntervalConfig)),
  time_intervals: s.optional(s.list(timeIntervalConfig)),
  tracing: s.optional(s.object({}, { allowUnknown: true })),
});

/** The decoded file. */
export type RawConfig = ReturnType<typeof alertmanagerConfig.decode>;
/** Decoded `global:`. */
export type GlobalConfig = NonNullable<RawConfig['global']>;
/** A decoded secret value (prints `<secret>`). */
export type SecretValue = Secret;
