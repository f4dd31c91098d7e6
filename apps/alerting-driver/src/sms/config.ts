import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AlertmanagerTemplates, TemplateError } from '@argus/gotemplate';
import { decodeYaml, loadYamlFileSync, schema as s } from '@argus/service-kit';
import type { Decoder } from '@argus/service-kit';
import { goGlob } from './go-glob.ts';
import { PROVIDERS } from './providers/registry.ts';

/** One `receivers:` entry; missing keys are "" / [] as with sachet's yaml.v2 structs. */
export interface ReceiverConfig {
  readonly name: string;
  readonly provider: string;
  readonly to: readonly string[];
  readonly from: string;
  readonly text: string;
  readonly type: string;
}

/** A loaded sachet `config.yaml`: receivers, decoded provider settings and the template set. */
export interface SmsConfig {
  readonly receivers: readonly ReceiverConfig[];
  /** Settings of every provider the file configures, by provider name. */
  readonly providerSettings: ReadonlyMap<string, unknown>;
  readonly templates: AlertmanagerTemplates;
  /** Every configured secret value, to scrub from error texts. */
  readonly secrets: readonly string[];
}

const optionalText = (): Decoder<string> => s.optional(s.string(), '');

const receiver = s.object(
  {
    name: optionalText(),
    provider: optionalText(),
    to: s.optional(s.list(s.string()), []),
    from: optionalText(),
    text: optionalText(),
    type: optionalText(),
  },
  { allowUnknown: true },
);

/** `providers:` decodes each known provider's block with its schema; unknown names are ignored, as upstream. */
const providers: Decoder<Map<string, unknown>> = {
  expected: 'mapping',
  optional: true,
  decode(node, _at, ctx) {
    const out = new Map<string, unknown>();
    if (node === undefined || node.value === null) return out;
    if (node.kind !== 'mapping') return ctx.fail(node, `expected mapping, got ${node.kind}`) ?? out;
    for (const entry of node.entries!) {
      const definition = PROVIDERS.get(entry.key);
      if (definition) out.set(entry.key, definition.settings.decode(entry.valueNode, entry.keyNode, ctx));
    }
    return out;
  },
};

/**
 * Reads the `templates:` globs into Alertmanager's template set (default templates first);
 * a bad pattern, an unreadable file or a template that does not parse fails at the
 * `templates:` node.
 */
const templates: Decoder<AlertmanagerTemplates> = s.refine(
  s.optional(s.list(s.string()), []),
  (globs, fail) => {
    const files: [string, string][] = [];
    for (const pattern of globs) {
      let paths: string[] = [];
      try {
        paths = goGlob(pattern);
      } catch (error) {
        fail(`templates: ${pattern}: ${(error as Error).message}`);
      }
      for (const path of paths) {
        try {
          files.push([basename(path), readFileSync(path, 'utf8')]);
        } catch (error) {
          fail(`templates: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
      }
    }
    try {
      return AlertmanagerTemplates.create({ files });
    } catch (error) {
      if (error instanceof TemplateError) fail(`templates: ${error.message}`);
      throw error;
    }
  },
);

const configFile = s.object(
  {
    templates,
    providers,
    receivers: s.optional(s.list(receiver), []),
  },
  { allowUnknown: true },
);

/**
 * Reads and checks a sachet config file; throws `ConfigError` (`file:line:col: reason`, a
 * template error naming the template file). Nothing is kept on failure.
 */
export function loadSmsConfig(file: string): SmsConfig {
  const decoded = decodeYaml(loadYamlFileSync(file), configFile);
  const providerSettings = decoded.providers ?? new Map<string, unknown>();
  const secrets: string[] = [];
  for (const [name, settings] of providerSettings) {
    secrets.push(
      ...PROVIDERS.get(name)!
        .secrets(settings)
        .filter((v) => v !== ''),
    );
  }
  return {
    receivers: decoded.receivers,
    providerSettings,
    templates: decoded.templates,
    secrets,
  };
}
