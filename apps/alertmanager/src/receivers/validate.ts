import { isSet } from '../config/receiver-schema.ts';
import type { ReceiverConfig } from '../config/receiver-schema.ts';

type Fields = Readonly<Record<string, unknown>>;

const either = (f: Fields, key: string) => isSet(f[key]) || isSet(f[`${key}_file`]);

/**
 * What upstream refuses when it loads a receiver whose integration could never send
 * (wording of `amtool check-config`; where a `*_file` variant exists, 0.34's). Checked
 * with the `global:` defaults, as upstream does.
 */
export function integrationProblems(rc: ReceiverConfig, global: Fields): string[] {
  const out: string[] = [];
  for (const ec of rc.email_configs ?? []) {
    if (!isSet(ec['to'])) out.push('missing to address in email config');
    if (!isSet(ec['smarthost']) && !isSet(global['smtp_smarthost'])) out.push('no global SMTP smarthost set');
    if (!isSet(ec['from']) && !isSet(global['smtp_from'])) out.push('no global SMTP from set');
  }
  for (const sc of rc.slack_configs ?? []) {
    const url = either(sc, 'api_url') || either(global, 'slack_api_url');
    const token = either(sc, 'app_token') || either(global, 'slack_app_token');
    if (!url && !token) out.push('no global Slack API URL set either inline or in a file');
  }
  for (const pc of rc.pagerduty_configs ?? []) {
    if (!either(pc, 'routing_key') && !either(pc, 'service_key'))
      out.push('missing service or routing key in PagerDuty config');
  }
  for (const oc of rc.opsgenie_configs ?? []) {
    if (!either(oc, 'api_key') && !either(global, 'opsgenie_api_key'))
      out.push('no global OpsGenie API Key set either inline or in a file');
  }
  for (const tc of rc.telegram_configs ?? []) {
    if (!either(tc, 'bot_token') && !either(global, 'telegram_bot_token'))
      out.push('missing bot_token or bot_token_file on telegram_config');
    if (!isSet(tc['chat_id']) && !isSet(tc['chat_id_file'])) out.push('missing chat_id on telegram_config');
    const mode = tc['parse_mode'];
    if (mode !== undefined && !['', 'Markdown', 'MarkdownV2', 'HTML'].includes(String(mode)))
      out.push('unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string');
  }
  for (const kind of ['discord_configs', 'msteams_configs', 'msteamsv2_configs'] as const) {
    for (const c of rc[kind] ?? []) {
      if (!either(c, 'webhook_url')) out.push('one of webhook_url or webhook_url_file must be configured');
    }
  }
  return out;
}
