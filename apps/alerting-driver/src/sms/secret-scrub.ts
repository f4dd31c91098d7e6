import { REDACTED, redactText } from '@argus/service-kit';

/**
 * Removes configured secret values (and their URL-encoded forms, as a provider may echo a
 * query string) from a text bound for a log line or an error body, then applies service-kit's
 * generic redaction (URL passwords, Bearer/Basic credentials, secret query parameters).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 3) continue; // too short to tell from ordinary text
    for (const form of new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return redactText(out);
}
