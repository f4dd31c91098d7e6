import { createHash } from 'node:crypto';

/**
 * Prometheus's hashmod: the last 8 bytes of the MD5 of `value`, read big-endian as an
 * unsigned 64-bit integer, modulo `modulus`. Same answer as upstream, so shards agree.
 */
export function hashMod(value: string, modulus: number): number {
  const digest = createHash('md5').update(value, 'utf8').digest();
  const high = BigInt(digest.readUInt32BE(8));
  const low = BigInt(digest.readUInt32BE(12));
  return Number(((high << 32n) | low) % BigInt(modulus));
}
