import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** How many distinct credentials keep their bcrypt verdict; the oldest is dropped first. */
const CACHE_SIZE = 1024;

/** Compared when the user is unknown, so an unknown user costs as much as a wrong password. */
const DUMMY_HASH = '$2b$10$K/ceIqAGnN/3B5OE4dMx2.1rZSRzcJ3z4MaZsTiuCjdfmLxlb4Swa';

/**
 * Checks `Authorization: Basic …` against bcrypt hashes (`basic_auth_users`). A bcrypt
 * verdict is cached per (user, password, hash), keyed by a SHA-256 of the three, so a
 * scraper pays the bcrypt cost once, not per request; concurrent checks of the same
 * credential share one computation. Passwords are never stored in clear.
 */
export class BasicAuthenticator {
  readonly #users: ReadonlyMap<string, string>;
  readonly #compare: (password: string, hash: string) => Promise<boolean>;
  readonly #verdicts = new Map<string, Promise<boolean>>();

  /** `compare` is bcrypt's; tests pass a counting wrapper. */
  constructor(
    users: ReadonlyMap<string, string>,
    compare: (password: string, hash: string) => Promise<boolean> = bcrypt.compare,
  ) {
    this.#users = users;
    this.#compare = compare;
  }

  /** Whether any user is configured; without users every request is allowed. */
  get enabled(): boolean {
    return this.#users.size > 0;
  }

  /** Resolves true when the header carries a configured user and its password. */
  async check(authorization: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    const credentials = parseBasic(authorization);
    if (!credentials) return false;
    const known = this.#users.get(credentials.user);
    const hash = known ?? DUMMY_HASH;
    const key = createHash('sha256')
      .update(credentials.user)
      .update('\0')
      .update(credentials.password)
      .update('\0')
      .update(hash)
      .digest('base64');
    let verdict = this.#verdicts.get(key);
    if (verdict === undefined) {
      verdict = this.#compare(credentials.password, hash).catch(() => false);
      this.#verdicts.set(key, verdict);
      if (this.#verdicts.size > CACHE_SIZE) this.#verdicts.delete(this.#verdicts.keys().next().value!);
    }
    const ok = await verdict;
    return ok && known !== undefined;
  }
}

/** Splits `Basic base64(user:password)`; `undefined` when the header is absent or malformed. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
