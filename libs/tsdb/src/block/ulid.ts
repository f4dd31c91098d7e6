import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
  DECODE[ALPHABET.toLowerCase().charCodeAt(i)] = i;
}

/** Whether `s` is a 26-character Crockford base32 ULID whose time part fits 48 bits. */
export function isUlid(s: string): boolean {
  if (s.length !== 26) return false;
  for (let i = 0; i < 26; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || DECODE[c]! < 0) return false;
  }
  return DECODE[s.charCodeAt(0)]! <= 7;
}

/** The millisecond timestamp encoded in a ULID's first 10 characters. */
export function ulidTime(ulid: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + DECODE[ulid.charCodeAt(i)]!;
  return t;
}

/**
 * Generates ULIDs (48-bit millisecond time + 80 random bits, Crockford base32) that
 * sort strictly increasing within one generator: in the same millisecond (or when the
 * clock goes back) the random part of the previous ULID is incremented by one.
 */
export class UlidGenerator {
  #lastTimeMs = -1;
  readonly #random = new Uint8Array(10);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  next(): string {
    let t = this.#now();
    if (t <= this.#lastTimeMs) {
      t = this.#lastTimeMs;
      if (!this.#increment()) {
        t += 1;
        randomFillSync(this.#random);
      }
    } else {
      randomFillSync(this.#random);
    }
    this.#lastTimeMs = t;
    return encodeTime(t) + encodeRandom(this.#random);
  }

  /** Adds one to the 80-bit random part; false on overflow. */
  #increment(): boolean {
    const r = this.#random;
    for (let i = r.length - 1; i >= 0; i--) {
      if (r[i]! < 0xff) {
        r[i]!++;
        return true;
      }
      r[i] = 0;
    }
    return false;
  }
}

function encodeTime(t: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** 80 bits → 16 base32 characters, most significant first. */
function encodeRandom(r: Uint8Array): string {
  let out = '';
  // Two 40-bit halves, each exactly 8 characters.
  for (let half = 0; half < 2; half++) {
    let v = 0;
    for (let i = 0; i < 5; i++) v = v * 256 + r[half * 5 + i]!;
    let s = '';
    for (let i = 0; i < 8; i++) {
      s = ALPHABET[v % 32] + s;
      v = Math.floor(v / 32);
    }
    out += s;
  }
  return out;
}

const shared = new UlidGenerator();

/** A new ULID from the process-wide monotonic generator. */
export function newUlid(): string {
  return shared.next();
}
