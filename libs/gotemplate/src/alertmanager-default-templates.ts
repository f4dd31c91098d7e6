/**
 * Argus's own text for the notification templates Alertmanager ships in
 * `template/default.tmpl`: the same names and the same output for the same data,
 * written independently (checked against Debian's `amtool template render` in the tests).
 * `email.default.html` is not provided.
 */
export const ALERTMANAGER_DEFAULT_TEMPLATES = String.raw`
{{- /* Building blocks. */ -}}
{{- define "__alertmanager" }}Alertmanager{{ end -}}
{{- define "__alertmanagerURL" }}{{ printf "%s/#/alerts?receiver=%s" .ExternalURL (urlquery .Receiver) }}{{ end -}}
{{- define "__subject" -}}
  [{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}]
  {{- " " }}{{ join " " .GroupLabels.Values }}{{ " " }}
  {{- if gt (len .CommonLabels) (len .GroupLabels) -}}
    ({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }})
  {{- end -}}
{{- end -}}
{{- define "__description" }}{{ end -}}
{{- define "__argus_pairs" -}}
  {{- range . }} - {{ .Name }} = {{ .Value }}{{ "\n" }}{{ end -}}
{{- end -}}
{{- define "__text_alert_list" -}}
  {{- range . -}}
    {{- "Labels:\n" }}{{ template "__argus_pairs" .Labels.SortedPairs -}}
    {{- "Annotations:\n" }}{{ template "__argus_pairs" .Annotations.SortedPairs -}}
    {{- printf "Source: %s\n" .GeneratorURL -}}
  {{- end -}}
{{- end -}}
{{- define "__argus_common_annotations" }}{{ join " " .CommonAnnotations.Values }}{{ end -}}
{{- /* "Alerts Firing:" / "Alerts Resolved:" blocks, compact (no blank lines) and spaced. */ -}}
{{- define "__argus_alerts_compact" -}}
  {{- with .Alerts.Firing }}Alerts Firing:{{ "\n" }}{{ template "__text_alert_list" . }}{{ end -}}
  {{- "\n" -}}
  {{- with .Alerts.Resolved }}Alerts Resolved:{{ "\n" }}{{ template "__text_alert_list" . }}{{ end -}}
{{- end -}}
{{- define "__argus_alerts_spaced" -}}
  {{- with .Alerts.Firing }}{{ "\nAlerts Firing:\n" }}{{ template "__text_alert_list" . }}{{ "\n" }}{{ end -}}
  {{- "\n" -}}
  {{- with .Alerts.Resolved }}{{ "\nAlerts Resolved:\n" }}{{ template "__text_alert_list" . }}{{ "\n" }}{{ end -}}
  {{- "\n" -}}
{{- end -}}
{{- define "__argus_annotations_then_spaced" -}}
  {{ template "__argus_common_annotations" . }}{{ "\n" }}{{ template "__argus_alerts_spaced" . }}
{{- end -}}

{{- /* Slack. */ -}}
{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end -}}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end -}}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end -}}
{{- define "slack.default.callbackid" }}{{ end -}}
{{- define "slack.default.pretext" }}{{ end -}}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end -}}
{{- define "slack.default.iconemoji" }}{{ end -}}
{{- define "slack.default.iconurl" }}{{ end -}}
{{- define "slack.default.text" }}{{ end -}}
{{- define "slack.default.footer" }}{{ end -}}

{{- /* PagerDuty. */ -}}
{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end -}}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end -}}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end -}}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end -}}

{{- /* OpsGenie. */ -}}
{{- define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end -}}
{{- define "opsgenie.default.description" -}}
  {{ template "__argus_common_annotations" . }}{{ "\n" }}{{ template "__argus_alerts_compact" . }}
{{- end -}}
{{- define "opsgenie.default.source" }}{{ template "__alertmanagerURL" . }}{{ end -}}

{{- /* WeChat. */ -}}
{{- define "wechat.default.message" -}}
  {{ template "__subject" . }}{{ "\n" }}{{ template "opsgenie.default.description" . -}}
  {{ "\nAlertmanagerUrl:\n" }}{{ template "__alertmanagerURL" . }}
{{- end -}}
{{- define "wechat.default.to_user" }}{{ end -}}
{{- define "wechat.default.to_party" }}{{ end -}}
{{- define "wechat.default.to_tag" }}{{ end -}}
{{- define "wechat.default.agent_id" }}{{ end -}}

{{- /* VictorOps. */ -}}
{{- define "victorops.default.state_message" }}{{ template "opsgenie.default.description" . }}{{ end -}}
{{- define "victorops.default.entity_display_name" }}{{ template "__subject" . }}{{ end -}}
{{- define "victorops.default.monitoring_tool" }}{{ template "__alertmanager" . }}{{ end -}}

{{- /* Pushover, SNS, Webex. */ -}}
{{- define "pushover.default.title" }}{{ template "__subject" . }}{{ end -}}
{{- define "pushover.default.message" }}{{ template "__argus_annotations_then_spaced" . }}{{ end -}}
{{- define "pushover.default.url" }}{{ template "__alertmanagerURL" . }}{{ end -}}
{{- define "sns.default.subject" }}{{ template "__subject" . }}{{ end -}}
{{- define "sns.default.message" }}{{ template "__argus_annotations_then_spaced" . }}{{ end -}}
{{- define "webex.default.message" }}{{ template "__argus_annotations_then_spaced" . }}{{ end -}}

{{- /* Telegram, Discord. */ -}}
{{- define "telegram.default.message" }}{{ "\n" }}{{ template "__argus_alerts_spaced" . }}{{ end -}}
{{- define "discord.default.title" }}{{ template "__subject" . }}{{ end -}}
{{- define "discord.default.message" }}{{ "\n" }}{{ template "__argus_alerts_spaced" . }}{{ end -}}

{{- /* Email (subject only). */ -}}
{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end -}}
`;

/** Names defined by {@link ALERTMANAGER_DEFAULT_TEMPLATES} that Debian's Alertmanager 0.25 also defines. */
export const ALERTMANAGER_DEFAULT_TEMPLATE_NAMES: readonly string[] = [
  '__alertmanager',
  '__alertmanagerURL',
  '__subject',
  '__description',
  '__text_alert_list',
  'slack.default.title',
  'slack.default.username',
  'slack.default.fallback',
  'slack.default.callbackid',
  'slack.default.pretext',
  'slack.default.titlelink',
  'slack.default.iconemoji',
  'slack.default.iconurl',
  'slack.default.text',
  'slack.default.footer',
  'pagerduty.default.description',
  'pagerduty.default.client',
  'pagerduty.default.clientURL',
  'pagerduty.default.instances',
  'opsgenie.default.message',
  'opsgenie.default.description',
  'opsgenie.default.source',
  'wechat.default.message',
  'wechat.default.to_user',
  'wechat.default.to_party',
  'wechat.default.to_tag',
  'wechat.default.agent_id',
  'victorops.default.state_message',
  'victorops.default.entity_display_name',
  'victorops.default.monitoring_tool',
  'pushover.default.title',
  'pushover.default.message',
  'pushover.default.url',
  'sns.default.subject',
  'sns.default.message',
  'telegram.default.message',
  'discord.default.title',
  'discord.default.message',
  'webex.default.message',
  'email.default.subject',
];
