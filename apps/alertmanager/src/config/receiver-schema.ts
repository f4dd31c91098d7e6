import { schema as s } from '@argus/service-kit';
import type { Decoder, Secret } from '@argus/service-kit';

type FieldKind =
  | 'string'
  | 'secret'
  | 'bool'
  | 'duration'
  | 'int'
  | 'number'
  | 'strings'
  | 'labels'
  | 'any'
  | 'http'
  | 'tls';

/** Any YAML value, kept as parsed (free-form receiver parts such as Slack `fields`). */
const anyValue: Decoder<unknown> = {
  expected: 'any value',
  decode: (node) => node?.value,
};

const tlsConfig = s.object({
  ca: s.optional(s.string()),
  ca_file: s.optional(s.string()),
  ca_ref: s.optional(s.string()),
  cert: s.optional(s.string()),
  cert_file: s.optional(s.string()),
  cert_ref: s.optional(s.string()),
  key: s.optional(s.secret()),
  key_file: s.optional(s.string()),
  key_ref: s.optional(s.string()),
  server_name: s.optional(s.string()),
  insecure_skip_verify: s.optional(s.bool()),
  min_version: s.optional(s.string()),
  max_version: s.optional(s.string()),
});

/** Prometheus common `http_config` (client side), every secret kept as `Secret`. */
export const httpConfig = s.object({
  basic_auth: s.optional(
    s.object({
      username: s.optional(s.string()),
      username_file: s.optional(s.string()),
      password: s.optional(s.secret()),
      password_file: s.optional(s.string()),
    }),
  ),
  authorization: s.optional(
    s.object({
      type: s.optional(s.string()),
      credentials: s.optional(s.secret()),
      credentials_file: s.optional(s.string()),
    }),
  ),
  oauth2: s.optional(
    s.object({
      client_id: s.optional(s.string()),
      client_secret: s.optional(s.secret()),
      client_secret_file: s.optional(s.string()),
      scopes: s.optional(s.list(s.string())),
      token_url: s.optional(s.string()),
      endpoint_params: s.optional(s.record(s.string())),
      tls_config: s.optional(tlsConfig),
      proxy_url: s.optional(s.string()),
    }),
  ),
  bearer_token: s.optional(s.secret()),
  bearer_token_file: s.optional(s.string()),
  proxy_url: s.optional(s.string()),
  no_proxy: s.optional(s.string()),
  proxy_from_environment: s.optional(s.bool()),
  proxy_connect_header: s.optional(s.record(s.list(s.secret()))),
  tls_config: s.optional(tlsConfig),
  follow_redirects: s.optional(s.bool()),
  enable_http2: s.optional(s.bool()),
});

const KIND_DECODERS: Record<FieldKind, Decoder<unknown>> = {
  string: s.string(),
  secret: s.secret(),
  bool: s.bool(),
  duration: s.duration(),
  int: s.int(),
  number: s.number(),
  strings: s.list(s.string()),
  labels: s.record(s.string()),
  any: anyValue,
  http: httpConfig,
  tls: tlsConfig,
};

/** A receiver integration whose fields are known by name but not typed individually. */
export type IntegrationConfig = Record<string, unknown> & { send_resolved?: boolean; http_config?: unknown };

function integration(fields: Record<string, FieldKind>): Decoder<IntegrationConfig> {
  const decoders: Record<string, Decoder<unknown>> = { send_resolved: s.optional(s.bool()) };
  for (const [name, kind] of Object.entries(fields)) decoders[name] = s.optional(KIND_DECODERS[kind]);
  return s.object(decoders) as unknown as Decoder<IntegrationConfig>;
}

const H = { http_config: 'http' } as const;

/**
 * Every integration kind of Alertmanager 0.34 with its fields. Only `webhook_configs`
 * sends notifications in Argus today; the others are parsed and validated so existing
 * files load unchanged.
 */
export const INTEGRATION_FIELDS = {
  webhook_configs: {
    ...H,
    url: 'string',
    url_file: 'string',
    max_alerts: 'int',
    timeout: 'duration',
    payload: 'any',
  },
  email_configs: {
    to: 'string',
    from: 'string',
    hello: 'string',
    smarthost: 'string',
    auth_username: 'string',
    auth_password: 'secret',
    auth_password_file: 'string',
    auth_secret: 'secret',
    auth_secret_file: 'string',
    auth_identity: 'string',
    headers: 'labels',
    html: 'string',
    text: 'string',
    require_tls: 'bool',
    tls_config: 'tls',
    threading: 'any',
    force_implicit_tls: 'bool',
  },
  slack_configs: {
    ...H,
    api_url: 'secret',
    api_url_file: 'string',
    app_token: 'secret',
    app_token_file: 'string',
    app_url: 'string',
    channel: 'string',
    username: 'string',
    color: 'string',
    title: 'string',
    title_link: 'string',
    pretext: 'string',
    text: 'string',
    fields: 'any',
    short_fields: 'bool',
    footer: 'string',
    fallback: 'string',
    callback_id: 'string',
    icon_emoji: 'string',
    icon_url: 'string',
    image_url: 'string',
    thumb_url: 'string',
    link_names: 'bool',
    mrkdwn_in: 'strings',
    actions: 'any',
    timeout: 'duration',
    message_text: 'string',
    update_message: 'bool',
  },
  pagerduty_configs: {
    ...H,
    service_key: 'secret',
    service_key_file: 'string',
    routing_key: 'secret',
    routing_key_file: 'string',
    url: 'string',
    client: 'string',
    client_url: 'string',
    description: 'string',
    details: 'any',
    images: 'any',
    links: 'any',
    source: 'string',
    severity: 'string',
    class: 'string',
    component: 'string',
    group: 'string',
    timeout: 'duration',
  },
  opsgenie_configs: {
    ...H,
    api_key: 'secret',
    api_key_file: 'string',
    api_url: 'string',
    message: 'string',
    description: 'string',
    source: 'string',
    details: 'labels',
    entity: 'string',
    responders: 'any',
    actions: 'string',
    tags: 'string',
    note: 'string',
    priority: 'string',
    update_alerts: 'bool',
    visible_to: 'any',
  },
  wechat_configs: {
    ...H,
    api_secret: 'secret',
    api_secret_file: 'string',
    api_url: 'string',
    corp_id: 'string',
    message: 'string',
    agent_id: 'string',
    to_user: 'string',
    to_party: 'string',
    to_tag: 'string',
    message_type: 'string',
  },
  pushover_configs: {
    ...H,
    user_key: 'secret',
    user_key_file: 'string',
    token: 'secret',
    token_file: 'string',
    title: 'string',
    message: 'string',
    url: 'string',
    url_title: 'string',
    device: 'string',
    sound: 'string',
    priority: 'string',
    retry: 'duration',
    expire: 'duration',
    ttl: 'duration',
    html: 'bool',
    monospace: 'bool',
  },
  victorops_configs: {
    ...H,
    api_key: 'secret',
    api_key_file: 'string',
    api_url: 'string',
    routing_key: 'string',
    message_type: 'string',
    entity_display_name: 'string',
    state_message: 'string',
    monitoring_tool: 'string',
    custom_fields: 'labels',
  },
  sns_configs: {
    ...H,
    api_url: 'string',
    sigv4: 'any',
    topic_arn: 'string',
    phone_number: 'string',
    target_arn: 'string',
    subject: 'string',
    message: 'string',
    attributes: 'labels',
  },
  telegram_configs: {
    ...H,
    api_url: 'string',
    bot_token: 'secret',
    bot_token_file: 'string',
    chat_id: 'int',
    chat_id_file: 'string',
    message_thread_id: 'int',
    message: 'string',
    disable_notifications: 'bool',
    parse_mode: 'string',
  },
  webex_configs: { ...H, api_url: 'string', message: 'string', room_id: 'string' },
  discord_configs: {
    ...H,
    webhook_url: 'secret',
    webhook_url_file: 'string',
    content: 'string',
    username: 'string',
    avatar_url: 'string',
    title: 'string',
    message: 'string',
  },
  msteams_configs: {
    ...H,
    webhook_url: 'secret',
    webhook_url_file: 'string',
    title: 'string',
    summary: 'string',
    text: 'string',
  },
  msteamsv2_configs: {
    ...H,
    webhook_url: 'secret',
    webhook_url_file: 'string',
    title: 'string',
    text: 'string',
  },
  jira_configs: {
    ...H,
    api_url: 'string',
    project: 'string',
    summary: 'any',
    description: 'any',
    labels: 'strings',
    priority: 'string',
    issue_type: 'string',
    reopen_transition: 'string',
    resolve_transition: 'string',
    wont_fix_resolution: 'string',
    reopen_duration: 'duration',
    fields: 'any',
    api_type: 'string',
  },
  rocketchat_configs: {
    ...H,
    api_url: 'string',
    channel: 'string',
    token: 'secret',
    token_file: 'string',
    token_id: 'secret',
    token_id_file: 'string',
    color: 'string',
    emoji: 'string',
    icon_url: 'string',
    text: 'string',
    title: 'string',
    title_link: 'string',
    fields: 'any',
    short_fields: 'bool',
    image_url: 'string',
    thumb_url: 'string',
    link_names: 'bool',
    actions: 'any',
  },
  mattermost_configs: {
    ...H,
    webhook_url: 'secret',
    webhook_url_file: 'string',
    channel: 'string',
    username: 'string',
    text: 'string',
    icon_url: 'string',
    icon_emoji: 'string',
    attachments: 'any',
    props: 'any',
    priority: 'any',
  },
  incidentio_configs: {
    ...H,
    url: 'secret',
    url_file: 'string',
    alert_source_token: 'secret',
    alert_source_token_file: 'string',
    max_alerts: 'int',
    timeout: 'duration',
  },
} as const satisfies Record<string, Record<string, FieldKind>>;

/** The YAML key of an integration list in a receiver (`webhook_configs`, …). */
export type IntegrationKind = keyof typeof INTEGRATION_FIELDS;

/** Default `send_resolved` per integration kind, as upstream. */
export function defaultSendResolved(kind: IntegrationKind): boolean {
  return !['email_configs', 'slack_configs', 'wechat_configs', 'rocketchat_configs'].includes(kind);
}

/** A receiver: a name and any number of integrations of each kind. */
export type ReceiverConfig = { name: string } & { [K in IntegrationKind]?: IntegrationConfig[] };

const receiverFields: Record<string, Decoder<unknown>> = { name: s.string() };
for (const [kind, fields] of Object.entries(INTEGRATION_FIELDS)) {
  receiverFields[kind] = s.optional(s.list(integration(fields)));
}

/** Decoder of one entry of `receivers`. */
export const receiverConfig = s.object(receiverFields) as unknown as Decoder<ReceiverConfig>;

/** Whether a decoded value is a `Secret` (for `x`/`x_file` exclusivity checks). */
export function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'object' && 'reveal' in value) return (value as Secret).reveal() !== '';
  return value !== '';
}
