import { isValidLegacyLabelName } from '@argus/model';
import { InvalidRelabelConfigError } from './errors.ts';
import { RelabelRegex } from './relabel-regex.ts';

/** The relabel actions of Prometheus, spelled as in `prometheus.yml`. */
export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;

export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One `relabel_config` entry as written, every field optional (upstream defaults apply). */
export interface RelabelConfigInput {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly target_label?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly replacement?: string;
  readonly action?: string;
}

/** A validated relabel rule with upstream defaults filled in and its regex compiled. */
export interface RelabelConfig {
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly targetLabel: string;
  readonly regex: RelabelRegex;
  readonly modulus: number;
  readonly replacement: string;
  readonly action: RelabelAction;
}

/** Upstream defaults: `regex: (.*)`, `separator: ;`, `replacement: $1`, `action: replace`. */
export const DEFAULT_RELABEL = {
  separator: ';',
  regex: '(.*)',
  replacement: '$1',
  action: 'replace',
  modulus: 0,
  targetLabel: '',
} as const;

/** What upstream accepts as a `target_label` of replace: label-name characters and `$1`/`${name}` references. */
const relabelTarget = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

/**
 * Validates one entry as Prometheus 2.42 does and compiles its regex. Throws
 * {@link InvalidRelabelConfigError} with upstream's message for every refusal
 * (unknown action, bad label name, hashmod without modulus, extra fields on
 * labeldrop/labelkeep/keepequal/dropequal, …).
 */
export function parseRelabelConfig(input: RelabelConfigInput): RelabelConfig {
  const actionText = input.action ?? DEFAULT_RELABEL.action;
  if (actionText === '') throw new InvalidRelabelConfigError('relabel action cannot be empty');
  const action = actionText.toLowerCase() as RelabelAction;
  if (!RELABEL_ACTIONS.includes(action)) {
    throw new InvalidRelabelConfigError(`unknown relabel action ${JSON.stringify(actionText)}`);
  }
  for (const name of input.source_labels ?? []) {
    if (!isValidLegacyLabelName(name))
      throw new InvalidRelabelConfigError(`${JSON.stringify(name)} is not a valid label name`);
  }
  const sourceLabels = input.source_labels ?? [];
  const separator = input.separator ?? DEFAULT_RELABEL.separator;
  const targetLabel = input.target_label ?? DEFAULT_RELABEL.targetLabel;
  const regexSource = input.regex ?? DEFAULT_RELABEL.regex;
  const modulus = input.modulus ?? DEFAULT_RELABEL.modulus;
  const replacement = input.replacement ?? DEFAULT_RELABEL.replacement;
  if (!Number.isSafeInteger(modulus) || modulus < 0) {
    throw new InvalidRelabelConfigError(`invalid modulus ${modulus}: must be a non-negative integer`);
  }
  const regex = new RelabelRegex(regexSource);

  const fail = (message: string): never => {
    throw new InvalidRelabelConfigError(message);
  };
  const needsTarget = ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(
    action,
  );
  const plainTarget = ['lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action);
  if (modulus === 0 && action === 'hashmod')
    fail('relabel configuration for hashmod requires non-zero modulus');
  if (needsTarget && targetLabel === '')
    fail(`relabel configuration for ${action} action requires 'target_label' value`);
  if ((action === 'replace' || plainTarget) && !relabelTarget.test(targetLabel)) {
    fail(`${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  }
  if (plainTarget && !isValidLegacyLabelName(targetLabel)) {
    fail(`${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  }
  if (plainTarget && replacement !== DEFAULT_RELABEL.replacement)
    fail(`'replacement' can not be set for ${action} action`);
  if (action === 'labelmap' && !relabelTarget.test(replacement)) {
    fail(`${JSON.stringify(replacement)} is invalid 'replacement' for ${action} action`);
  }
  if (action === 'hashmod' && !isValidLegacyLabelName(targetLabel)) {
    fail(`${JSON.stringify(targetLabel)} is invalid 'target_label' for ${action} action`);
  }
  if (action === 'keepequal' || action === 'dropequal') {
    if (
      regexSource !== DEFAULT_RELABEL.regex ||
      modulus !== DEFAULT_RELABEL.modulus ||
      separator !== DEFAULT_RELABEL.separator ||
      replacement !== DEFAULT_RELABEL.replacement
    ) {
      fail(`${action} action requires only 'source_labels' and \`target_label\`, and no other fields`);
    }
  }
  if (action === 'labeldrop' || action === 'labelkeep') {
    if (
      input.source_labels !== undefined ||
      targetLabel !== DEFAULT_RELABEL.targetLabel ||
      modulus !== DEFAULT_RELABEL.modulus ||
      separator !== DEFAULT_RELABEL.separator ||
      replacement !== DEFAULT_RELABEL.replacement
    ) {
      fail(`${action} action requires only 'regex', and no other fields`);
    }
  }
  return { sourceLabels, separator, targetLabel, regex, modulus, replacement, action };
}
