import { SendError } from './provider.ts';

/** One HTTP call of a provider. `body` is sent as is; set its Content-Type in `headers`. */
export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

const USER_AGENT = 'Argus-alerting-driver (sachet-compatible)';
/** Error texts quote at most this much of a provider's answer. */
const MAX_QUOTED_CHARS = 512;

/**
 * Sends one request and reads the whole answer. A transport failure (refused, reset,
 * timeout) becomes a {@link SendError} naming `what` (never the URL: some providers put
 * credentials in it); HTTP statuses are left to the caller.
 */
export async function call(what: string, request: HttpCall): Promise<HttpAnswer> {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { 'User-Agent': USER_AGENT, ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
      redirect: 'follow',
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    throw new SendError(`${what}: request failed: ${describeFailure(error)}`, { cause: error });
  }
}

/** Throws unless `answer.status` is one of `ok` (default: any 2xx). */
export function expectStatus(what: string, answer: HttpAnswer, ok?: readonly number[]): void {
  const good = ok ? ok.includes(answer.status) : answer.status >= 200 && answer.status < 300;
  if (!good) throw new SendError(`${what}: HTTP ${answer.status}: ${quote(answer.text)}`);
}

/** A provider's answer, shortened for an error text. */
export function quote(text: string): string {
  const flat = text.trim();
  return flat.length > MAX_QUOTED_CHARS ? `${flat.slice(0, MAX_QUOTED_CHARS)}…` : flat;
}

/** Parses a JSON answer, or throws a {@link SendError} saying the provider answered something else. */
export function jsonAnswer(what: string, answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new SendError(`${what}: HTTP ${answer.status}: answer is not JSON: ${quote(answer.text)}`);
  }
}

/** `application/x-www-form-urlencoded` from pairs (a key may repeat, as Go's url.Values). */
export function formBody(pairs: readonly (readonly [string, string])[]): string {
  const form = new URLSearchParams();
  for (const [key, value] of pairs) form.append(key, value);
  return form.toString();
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Joins a configured base URL and a path without doubling the slash. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error) return (cause as { code?: string }).code ?? cause.message;
    return error.message;
  }
  return String(error);
}
