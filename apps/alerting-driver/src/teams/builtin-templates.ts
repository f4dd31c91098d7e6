// The two built-in cards, written as Jinja2 templates so they go through the same renderer as a
// user's `[Template] Path`. Their output follows prom2teams: the Office 365 MessageCard of 3.x
// (what Rancher's 3.2.2 image sends) and the Adaptive Card message of 5.x (Teams Workflows).
// Context: `status` and `msg_text` (name, status, severity, summary, instance, description,
// fingerprint, runbook_url, extra_labels, extra_annotations), every string already JSON-escaped.
import type { BuiltinTemplate } from './teams-config.ts';

// themeColor keeps prom2teams's spaces around the colour (" 2DC72D "); Teams accepts them.
const MESSAGE_CARD = `{%- set colours = {'resolved': '2DC72D', 'critical': '8C1A1A', 'severe': '8C1A1A',
    'warning': 'FF9A0B', 'unknown': 'CCCCCC'} -%}
{
  "@type": "MessageCard",
  "@context": "http://schema.org/extensions",
  "themeColor": "{% if status == 'resolved' %} {{ colours.resolved }} {% else %} {{ colours[msg_text.severity] }} {% endif %}",
  "summary": "{% if status == 'resolved' %}(Resolved) {% endif %}{{ msg_text.summary }}",
  "title": "Prometheus alert {% if status == 'resolved' %}(Resolved) {% elif status == 'unknown' %} (status unknown) {% endif %}",
  "sections": [
    {
      "activityTitle": "{{ msg_text.summary }}",
      "facts": [
{% if msg_text.name %}        {"name": "Alert", "value": "{{ msg_text.name }}"},
{% endif %}
{% if msg_text.instance %}        {"name": "In host", "value": "{{ msg_text.instance }}"},
{% endif %}
{% if msg_text.severity %}        {"name": "Severity", "value": "{{ msg_text.severity }}"},
{% endif %}
{% if msg_text.description %}        {"name": "Description", "value": "{{ msg_text.description }}"},
{% endif %}
        {"name": "Status", "value": "{{ msg_text.status }}"}
{% for key in msg_text.extra_labels %}
        ,{"name": "{{ key }}", "value": "{{ msg_text.extra_labels[key] }}"}
{% endfor %}
{% for key in msg_text.extra_annotations %}
        ,{"name": "{{ key }}", "value": "{{ msg_text.extra_annotations[key] }}"}
{% endfor %}
      ],
      "markdown": true
    }
  ]
{% if msg_text.runbook_url %}
  ,"potentialAction": [
    {"@context": "http://schema.org", "@type": "ViewAction", "name": "Runbook", "target": ["{{ msg_text.runbook_url }}"]}
  ]
{% endif %}
}
`;

const ADAPTIVE_CARD = `{
  "type": "message",
  "attachments": [{
    "contentType": "application/vnd.microsoft.card.adaptive",
    "content": {
      "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
      "type": "AdaptiveCard",
      "version": "1.4",
      "msteams": {"width": "Full"},
      "body": [
        {
          "type": "ColumnSet",
          "style": "{% if status == 'resolved' %}good{% else %}attention{% endif %}",
          "columns": [{
            "type": "Column",
            "width": "stretch",
            "items": [
              {"type": "TextBlock", "weight": "Bolder", "size": "Large",
               "text": "Prometheus alert {{ msg_text.name }} {% if status == 'resolved' %}(Resolved){% elif status == 'unknown' %}(status unknown){% else %}triggered{% endif %}"},
              {"type": "TextBlock", "wrap": true,
               "text": "{% if status == 'resolved' %}(Resolved) {% endif %}{{ msg_text.summary }}"}
            ]
          }]
        },
        {
          "type": "FactSet",
          "facts": [
{% if msg_text.name %}            {"title": "Alert", "value": "{{ msg_text.name }}"},
{% endif %}
{% if msg_text.instance %}            {"title": "In host", "value": "{{ msg_text.instance }}"},
{% endif %}
{% if msg_text.severity %}            {"title": "Severity", "value": "{{ msg_text.severity }}"},
{% endif %}
{% if msg_text.description %}            {"title": "Description", "value": "{{ msg_text.description }}"},
{% endif %}
            {"title": "Status", "value": "{{ msg_text.status }}"}
{% for key in msg_text.extra_labels %}
            ,{"title": "{{ key }}", "value": "{{ msg_text.extra_labels[key] }}"}
{% endfor %}
{% for key in msg_text.extra_annotations %}
            ,{"title": "{{ key }}", "value": "{{ msg_text.extra_annotations[key] }}"}
{% endfor %}
          ]
        }
      ]
{% if msg_text.runbook_url %}
      ,"actions": [{"type": "Action.OpenUrl", "title": "View details", "url": "{{ msg_text.runbook_url }}"}]
{% endif %}
    }
  }]
}
`;

export const BUILTIN_TEMPLATE_SOURCES: Readonly<Record<BuiltinTemplate, string>> = {
  messagecard: MESSAGE_CARD,
  adaptivecard: ADAPTIVE_CARD,
};
