/**
 * `limit`/`continue` paging of list results. Items come sorted by `namespace/name`
 * (plain code-unit order); the continue token remembers the last key handed out, so
 * a page after concurrent writes may include objects created since, as upstream's
 * does when its snapshot has been compacted.
 */
import type { KubeObject } from './object-store.ts';
import { badRequest } from './status.ts';

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export function pageOf(
  items: KubeObject[],
  limit: number | undefined,
  continueToken: string | undefined,
): { items: KubeObject[]; metadata: { continue?: string; remainingItemCount?: number } } {
  let rest = items;
  if (continueToken) {
    const after = decodeContinue(continueToken);
    rest = rest.filter((o) => keyOf(o) > after);
  }
  if (!limit || limit <= 0 || rest.length <= limit) return { items: rest, metadata: {} };
  const page = rest.slice(0, limit);
  const token = Buffer.from(JSON.stringify({ after: keyOf(page[page.length - 1]) })).toString('base64');
  return { items: page, metadata: { continue: token, remainingItemCount: rest.length - limit } };
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // reported below
  }
  throw badRequest(`invalid continue token: "${token}"`);
}
