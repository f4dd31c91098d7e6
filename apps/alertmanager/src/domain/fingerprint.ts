const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/**
 * Prometheus's label-set fingerprint: FNV-1a 64 over `name 0xFF value 0xFF` for each
 * label sorted by name, printed as 16 lowercase hex digits (the webhook `fingerprint`).
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let h = OFFSET;
  const add = (bytes: Uint8Array): void => {
    for (const b of bytes) h = ((h ^ BigInt(b)) * PRIME) & MASK;
  };
  const sep = new Uint8Array([0xff]);
  for (const name of Object.keys(labels).sort()) {
    add(encoder.encode(name));
    add(sep);
    add(encoder.encode(labels[name]!));
    add(sep);
  }
  return h.toString(16).padStart(16, '0');
}
