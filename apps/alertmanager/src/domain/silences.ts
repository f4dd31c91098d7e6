import { randomUUID } from 'node:crypto';
import { isValidLabelName } from '@argus/model';
import { SilenceNotFoundError, ValidationError } from '../errors.ts';
import { AmMatcher, matchAll } from './am-matcher.ts';
import type { LabelSet } from './alert.ts';

/** `pending` before `startsAt`, `expired` after `endsAt`, `active` in between. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** A silence; times are Unix milliseconds. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly AmMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly updatedAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** What a client sends: a silence without server-side fields; `id` for an update. */
export interface SilenceInput {
  readonly id?: string;
  readonly matchers: readonly AmMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** The state of a silence at `nowMs`. */
export function silenceState(s: Pick<Silence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): SilenceState {
  if (nowMs < s.startsAtMs) return 'pending';
  if (nowMs > s.endsAtMs) return 'expired';
  return 'active';
}

function sameMatchers(a: readonly AmMatcher[], b: readonly AmMatcher[]): boolean {
  return a.length === b.length && a.every((m, i) => m.toString() === b[i]!.toString());
}

/** Upstream `validateSilence`: throws {@link ValidationError} with upstream's wording. */
export function validateSilence(s: SilenceInput): void {
  if (s.matchers.length === 0) throw new ValidationError('at least one matcher required');
  s.matchers.forEach((m, i) => {
    if (!isValidLabelName(m.name))
      throw new ValidationError(`invalid label matcher ${i}: invalid label name ${JSON.stringify(m.name)}`);
  });
  if (s.matchers.every((m) => m.matches(''))) {
    throw new ValidationError('at least one matcher must not match the empty string');
  }
  if (!s.startsAtMs) throw new ValidationError('invalid zero start timestamp');
  if (!s.endsAtMs) throw new ValidationError('invalid zero end timestamp');
  if (s.endsAtMs < s.startsAtMs) throw new ValidationError('end time must not be before start time');
}

/** Receives every silence as it is written (for persistence and replication); `remote` for merges. */
export type SilenceListener = (silence: Silence, origin: 'local' | 'remote') => void;

/**
 * The silence store. Updates happen in place only when upstream's `canUpdate` allows
 * (same matchers; an active silence keeps its start and does not end in the past; a
 * pending one does not start in the past); otherwise the old silence is expired and a new
 * id is created. Silences are kept until `endsAt + retention`.
 */
export class Silences {
  readonly #byId = new Map<string, Silence>();
  #version = 0;
  onWrite: SilenceListener | undefined;

  constructor(readonly retentionMs: number = 120 * 3_600_000) {}

  /** Bumped on every change; callers cache matching results against it. */
  get version(): number {
    return this.#version;
  }

  get(id: string): Silence | undefined {
    return this.#byId.get(id);
  }

  /** Every silence, newest update first. */
  all(): Silence[] {
    return [...this.#byId.values()];
  }

  /** Creates or updates a silence; returns its (possibly new) id. */
  set(input: SilenceInput, nowMs: number): string {
    validateSilence(input);
    const prev = input.id ? this.#byId.get(input.id) : undefined;
    if (input.id && prev === undefined) throw new SilenceNotFoundError(input.id);
    if (prev !== undefined && this.#canUpdate(prev, input, nowMs)) {
      this.#write({ ...prev, ...input, id: prev.id, updatedAtMs: nowMs });
      return prev.id;
    }
    if (prev !== undefined && silenceState(prev, nowMs) !== 'expired') this.expire(prev.id, nowMs);
    const id = randomUUID();
    this.#write({
      id,
      matchers: input.matchers,
      startsAtMs: Math.max(input.startsAtMs, nowMs),
      endsAtMs: input.endsAtMs,
      updatedAtMs: nowMs,
      createdBy: input.createdBy,
      comment: input.comment,
    });
    return id;
  }

  #canUpdate(prev: Silence, next: SilenceInput, nowMs: number): boolean {
    if (!sameMatchers(prev.matchers, next.matchers)) return false;
    switch (silenceState(prev, nowMs)) {
      case 'active':
        return next.startsAtMs === prev.startsAtMs && next.endsAtMs >= nowMs;
      case 'pending':
        return next.startsAtMs >= nowMs;
      default:
        return false;
    }
  }

  /** Ends a silence now (a pending one starts and ends now); an expired one is left alone. */
  expire(id: string, nowMs: number): void {
    const s = this.#byId.get(id);
    if (s === undefined) throw new SilenceNotFoundError(id);
    const state = silenceState(s, nowMs);
    if (state === 'active') this.#write({ ...s, endsAtMs: nowMs, updatedAtMs: nowMs });
    else if (state === 'pending')
      this.#write({ ...s, startsAtMs: nowMs, endsAtMs: nowMs, updatedAtMs: nowMs });
  }

  /** Ids of the active silences that match `labels`, sorted. */
  mutedBy(labels: LabelSet, nowMs: number): string[] {
    const out: string[] = [];
    for (const s of this.#byId.values()) {
      if (silenceState(s, nowMs) === 'active' && matchAll(s.matchers, labels)) out.push(s.id);
    }
    return out.sort();
  }

  /** Drops silences whose retention ended; returns how many. */
  gc(nowMs: number): number {
    let n = 0;
    for (const [id, s] of this.#byId) {
      if (s.endsAtMs + this.retentionMs <= nowMs) {
        this.#byId.delete(id);
        n++;
      }
    }
    if (n > 0) this.#version++;
    return n;
  }

  /**
   * Takes a silence from a peer (upstream's merge rule): stored when unknown or updated
   * later than the one held, unless its retention already ended. Returns whether it was.
   */
  merge(silence: Silence, nowMs: number): boolean {
    if (silence.endsAtMs + this.retentionMs <= nowMs) return false;
    const prev = this.#byId.get(silence.id);
    if (prev !== undefined && prev.updatedAtMs >= silence.updatedAtMs) return false;
    this.#byId.set(silence.id, silence);
    this.#version++;
    this.onWrite?.(silence, 'remote');
    return true;
  }

  /** Puts a silence read from a snapshot as it is. */
  load(silence: Silence): void {
    this.#byId.set(silence.id, silence);
    this.#version++;
  }

  #write(s: Silence): void {
    this.#byId.set(s.id, s);
    this.#version++;
    this.onWrite?.(s, 'local');
  }
}

/** Builds an {@link AmMatcher} from the API's `{name, value, isRegex, isEqual}`. */
export function matcherFromApi(m: {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}): AmMatcher {
  const equal = m.isEqual ?? true;
  const type = m.isRegex ? (equal ? '=~' : '!~') : equal ? '=' : '!=';
  return new AmMatcher(type, m.name, m.value);
}
