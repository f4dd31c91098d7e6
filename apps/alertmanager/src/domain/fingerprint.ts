const encoder = new TextEncoder();
const TWO_32 = 4294967296;

/**
 * FNV-1a 64 kept as two 32-bit halves (the prime is 2^40 + 0x1b3, so one step is
 * `h * 0x1b3 + (h << 40)`), avoiding BigInt on the ingestion path.
 */
class Fnv64 {
  hi = 0xcbf29ce4;
  lo = 0x84222325;

  byte(b: number): void {
    const lo = (this.lo ^ b) >>> 0;
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / TWO_32);
    this.hi = (this.hi * 0x1b3 + carry + ((lo << 8) >>> 0)) % TWO_32;
    this.lo = loMul % TWO_32;
  }

  string(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        for (const b of encoder.encode(s.slice(i))) this.byte(b);
        return;
      }
      this.byte(c);
    }
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/**
 * Prometheus's label-set fingerprint: FNV-1a 64 over `name 0xFF value 0xFF` for each
 * label sorted by name, printed as 16 lowercase hex digits (the webhook `fingerprint`).
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const h = new Fnv64();
  for (const name of Object.keys(labels).sort()) {
    h.string(name);
    h.byte(0xff);
    h.string(labels[name]!);
    h.byte(0xff);
  }
  return h.hex();
}
