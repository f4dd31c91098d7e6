/**
 * Argus's own HTML body for e-mails, used when no template file defines
 * `email.default.html` (upstream embeds its mailgun-derived `email.tmpl`; Debian ships it
 * as `/usr/share/prometheus/alertmanager/email.tmpl`, which can be listed under
 * `templates:` to get upstream's exact HTML). Same content: a coloured header with the
 * alert count and group labels, a link to Alertmanager, then each firing and resolved
 * alert with its labels, annotations and source link. Rendered with html/template escaping.
 */
export const ARGUS_EMAIL_HTML = String.raw`<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>{{ template "__subject" . }}</title>
</head>
<body style="margin: 0; padding: 20px; background-color: #f6f6f6; font-family: Helvetica, Arial, sans-serif; font-size: 14px; color: #333;">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width: 600px; margin: 0 auto; background-color: #fff; border: 1px solid #e9e9e9;">
<tr>
{{- if gt (len .Alerts.Firing) 0 }}
<td style="padding: 20px; background-color: #E6522C; color: #fff; font-size: 16px;">
{{- else }}
<td style="padding: 20px; background-color: #68B90F; color: #fff; font-size: 16px;">
{{- end }}
{{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}
{{ .Name }}={{ .Value }}
{{ end }}
</td>
</tr>
<tr><td style="padding: 20px;"><a href="{{ template "__alertmanagerURL" . }}" style="color: #348eda;">View in {{ template "__alertmanager" . }}</a></td></tr>
{{- if gt (len .Alerts.Firing) 0 }}
<tr><td style="padding: 0 20px;"><strong>[{{ .Alerts.Firing | len }}] Firing</strong></td></tr>
{{- end }}
{{- range .Alerts.Firing }}
<tr><td style="padding: 10px 20px; border-top: 1px solid #eee;">
<strong>Labels</strong><br />
{{- range .Labels.SortedPairs }}
{{ .Name }} = {{ .Value }}<br />
{{- end }}
{{- if gt (len .Annotations) 0 }}
<strong>Annotations</strong><br />
{{- end }}
{{- range .Annotations.SortedPairs }}
{{ .Name }} = {{ .Value }}<br />
{{- end }}
<a href="{{ .GeneratorURL }}">Source</a><br />
</td></tr>
{{- end }}
{{- if gt (len .Alerts.Resolved) 0 }}
<tr><td style="padding: 0 20px;"><strong>[{{ .Alerts.Resolved | len }}] Resolved</strong></td></tr>
{{- end }}
{{- range .Alerts.Resolved }}
<tr><td style="padding: 10px 20px; border-top: 1px solid #eee;">
<strong>Labels</strong><br />
{{- range .Labels.SortedPairs }}
{{ .Name }} = {{ .Value }}<br />
{{- end }}
{{- if gt (len .Annotations) 0 }}
<strong>Annotations</strong><br />
{{- end }}
{{- range .Annotations.SortedPairs }}
{{ .Name }} = {{ .Value }}<br />
{{- end }}
<a href="{{ .GeneratorURL }}">Source</a><br />
</td></tr>
{{- end }}
</table>
<p style="text-align: center; color: #999; font-size: 12px;">Sent by {{ template "__alertmanager" . }}</p>
</body>
</html>
`;
