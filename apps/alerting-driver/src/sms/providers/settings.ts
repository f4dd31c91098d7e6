import { schema as s } from '@argus/service-kit';
import type { Decoder } from '@argus/service-kit';

// sachet decodes provider settings with yaml.v2 into plain structs: every key is optional
// (a missing one is the zero value) and unknown keys are ignored. These helpers say so once.

/** A text setting; missing is "". Numbers and booleans are taken as their text, as yaml.v2 does. */
export const text = (): Decoder<string> => s.optional(s.string(), '');
/** A boolean setting; missing is `fallback`. */
export const flag = (fallback = false): Decoder<boolean> => s.optional(s.bool(), fallback);
/** A list of texts; missing is []. */
export const textList = (): Decoder<string[]> => s.optional(s.list(s.string()), []);
/** An integer setting; missing is `fallback`. */
export const integer = (fallback = 0): Decoder<number> => s.optional(s.int(), fallback);

/**
 * The settings mapping of one provider. Every provider also takes `base_url` (Argus's
 * addition): the API's address, so a test or a proxy can stand in for the real service.
 */
export function settingsOf<const F extends Readonly<Record<string, Decoder<unknown>>>>(fields: F) {
  return s.object({ ...fields, base_url: text() }, { allowUnknown: true });
}

/** The configured `base_url`, else the provider's public API address. */
export function baseUrl(settings: { base_url?: string }, fallback: string): string {
  return settings.base_url ? settings.base_url : fallback;
}
