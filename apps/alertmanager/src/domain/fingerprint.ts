const encoder = new TextEncoder();
/**
 * FNV-1a 64 kept as four 16-bit limbs in small integers (the prime is 2^40 + 0x1b3, so one
 * step is `h * 0x1b3 + (h << 40)`): every intermediate stays below 2^31, so V8 keeps it in
 * integer registers; no BigInt and no float division on the ingestion path.
 */
class Fnv64 {
  h3 = 0xcbf2;
  h2 = 0x9ce4;
  h1 = 0x8422;
  h0 = 0x2325;

  byte(b: number): void {
    const h0 = this.h0 ^ b;
    const h1 = this.h1;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = this.h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = this.h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = t3 & 0xffff;
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
    return hex4(this.h3) + hex4(this.h2) + hex4(this.h1) + hex4(this.h0);
  }
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

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
