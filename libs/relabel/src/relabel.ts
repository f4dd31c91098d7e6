import { LabelsBuilder, isValidLegacyLabelName } from '@argus/model';
import type { Labels } from '@argus/model';
import { expandTemplate } from './go-template.ts';
import { hashMod } from './hashmod.ts';
import type { RelabelConfig } from './relabel-config.ts';

/**
 * Applies the rules in order, as Prometheus's `relabel.Process` does. Returns the new label
 * set, the same object when nothing changed, or `undefined` when a keep/drop rule dropped
 * it. Labels set to an empty value are removed.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | undefined {
  if (configs.length === 0) return labels;
  const builder = new LabelsBuilder(labels);
  for (const config of configs) {
    if (!applyRule(builder, config)) return undefined;
  }
  const out = builder.labels();
  return out.equals(labels) ? labels : out;
}

function sourceValue(builder: LabelsBuilder, config: RelabelConfig): string {
  const names = config.sourceLabels;
  if (names.length === 1) return builder.get(names[0]!);
  let value = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) value += config.separator;
    value += builder.get(names[i]!);
  }
  return value;
}

/** One rule; false means the label set is dropped. */
function applyRule(builder: LabelsBuilder, config: RelabelConfig): boolean {
  const value = sourceValue(builder, config);
  switch (config.action) {
    case 'drop':
      return !config.regex.test(value);
    case 'keep':
      return config.regex.test(value);
    case 'dropequal':
      return builder.get(config.targetLabel) !== value;
    case 'keepequal':
      return builder.get(config.targetLabel) === value;
    case 'replace': {
      const match = config.regex.exec(value);
      if (match === null) return true;
      const groups = match.groups as Record<string, string | undefined> | undefined;
      const target = expandTemplate(config.targetLabel, match, groups);
      if (!isValidLegacyLabelName(target)) return true;
      const result = expandTemplate(config.replacement, match, groups);
      if (result === '') builder.delete(target);
      else builder.set(target, result);
      return true;
    }
    case 'lowercase':
      builder.set(config.targetLabel, value.toLowerCase());
      return true;
    case 'uppercase':
      builder.set(config.targetLabel, value.toUpperCase());
      return true;
    case 'hashmod':
      builder.set(config.targetLabel, String(hashMod(value, config.modulus)));
      return true;
    case 'labelmap': {
      const updates: [string, string][] = [];
      builder.forEach((name, labelValue) => {
        const match = config.regex.exec(name);
        if (match === null) return;
        const groups = match.groups as Record<string, string | undefined> | undefined;
        updates.push([expandTemplate(config.replacement, match, groups), labelValue]);
      });
      for (const [name, labelValue] of updates) builder.set(name, labelValue);
      return true;
    }
    case 'labeldrop':
    case 'labelkeep': {
      const remove: string[] = [];
      const keepMatches = config.action === 'labelkeep';
      builder.forEach((name) => {
        if (config.regex.test(name) !== keepMatches) remove.push(name);
      });
      if (remove.length > 0) builder.delete(...remove);
      return true;
    }
  }
}
