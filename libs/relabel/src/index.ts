export { relabel } from './relabel.ts';
export { DEFAULT_RELABEL, RELABEL_ACTIONS, parseRelabelConfig } from './relabel-config.ts';
export type { RelabelAction, RelabelConfig, RelabelConfigInput } from './relabel-config.ts';
export { RelabelRegex } from './relabel-regex.ts';
export { hashMod } from './hashmod.ts';
export { expandTemplate } from './go-template.ts';
export { InvalidRelabelConfigError, RelabelError } from './errors.ts';
