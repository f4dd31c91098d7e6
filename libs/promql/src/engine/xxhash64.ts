// XXH64 (seed 0), the hash behind Go's github.com/cespare/xxhash/v2 `Sum64`, and the
// label-set hash Prometheus 3.x computes with it. BigInt arithmetic: it runs once per
// series (for `limit_ratio`), never per sample.

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK;
}

function round(acc: bigint, input: bigint): bigint {
  acc = (acc + input * P2) & MASK;
  return (rotl(acc, 31n) * P1) & MASK;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  acc ^= round(0n, val);
  return (acc * P1 + P4) & MASK;
}

/** XXH64 of `data` with seed 0, as an unsigned 64-bit BigInt. */
export function xxhash64(data: Uint8Array): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.length;
  const u64 = (i: number) => view.getBigUint64(i, true);
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & MASK;
    let v2 = P2;
    let v3 = 0n;
    let v4 = -P1 & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(i));
      v2 = round(v2, u64(i + 8));
      v3 = round(v3, u64(i + 16));
      v4 = round(v4, u64(i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, u64(i));
    h = (rotl(h, 27n) * P1 + P4) & MASK;
  }
  if (i + 4 <= n) {
    h ^= (BigInt(view.getUint32(i, true)) * P1) & MASK;
    h = (rotl(h, 23n) * P2 + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(data[i]!) * P5) & MASK;
    h = (rotl(h, 11n) * P1) & MASK;
  }
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return h;
}

const encoder = new TextEncoder();

/**
 * The bytes Prometheus 3.x keeps a label set in (its default `stringlabels` build): per
 * label, sorted by name, the name then the value, each after its UTF-8 length as one
 * byte (0–254) or 255 and three bytes little-endian.
 */
export function encodeLabelsForHash(flat: readonly string[]): Uint8Array {
  const parts = flat.map((s) => encoder.encode(s));
  let size = 0;
  for (const p of parts) size += p.length + (p.length < 255 ? 1 : 4);
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    if (p.length < 255) out[o++] = p.length;
    else {
      out[o++] = 255;
      out[o++] = p.length & 0xff;
      out[o++] = (p.length >> 8) & 0xff;
      out[o++] = (p.length >> 16) & 0xff;
    }
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Upstream's `labels.Labels.Hash()` of a sorted flat `[name, value, …]` label list. */
export function prometheusLabelsHash(flat: readonly string[]): bigint {
  return xxhash64(encodeLabelsForHash(flat));
}
