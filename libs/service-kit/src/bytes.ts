import { ServiceKitError } from './errors.ts';

/** A size string that is not `<number><unit>` with a base-2 unit. */
export class InvalidBytesError extends ServiceKitError {
  constructor(readonly text: string) {
    super(
      'invalid_bytes',
      `invalid size ${JSON.stringify(text)}: want a number and a unit (B, KB, MB, GB, TB, PB, EB)`,
    );
  }
}

const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KB: 2 ** 10,
  KiB: 2 ** 10,
  MB: 2 ** 20,
  MiB: 2 ** 20,
  GB: 2 ** 30,
  GiB: 2 ** 30,
  TB: 2 ** 40,
  TiB: 2 ** 40,
  PB: 2 ** 50,
  PiB: 2 ** 50,
  EB: 2 ** 60,
  EiB: 2 ** 60,
};

const part = /(\d+(?:\.\d+)?)([KMGTPE]i?B|B)/y;

/**
 * Parses a size the way Prometheus's `units.Base2Bytes` flags do: `512MB`, `1GiB`,
 * `1GB512MB`, `0`; every unit is a power of 1024. Returns whole bytes (rounded down).
 */
export function parseBytes(text: string): number {
  if (text === '0') return 0;
  let total = 0;
  part.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const match = part.exec(text);
    if (!match) throw new InvalidBytesError(text);
    total += Number(match[1]) * UNIT_BYTES[match[2]!]!;
    at = part.lastIndex;
  }
  if (at === 0 || !Number.isFinite(total)) throw new InvalidBytesError(text);
  return Math.floor(total);
}
