import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmMatcher } from './domain/am-matcher.ts';
import type { Silence, Silences } from './domain/silences.ts';
import type { MatchType } from '@argus/model';

/** A silence as files and the NATS KV bucket keep it (plain JSON, times in Unix ms). */
export interface StoredSilence {
  id: string;
  matchers: [MatchType, string, string][];
  startsAtMs: number;
  endsAtMs: number;
  updatedAtMs: number;
  createdBy: string;
  comment: string;
}

/**
 * Keeps the silences in `<dir>/silences.json` (Argus's own JSON format, not upstream's
 * protobuf). The file is rewritten synchronously, through a rename, on every change, so a
 * silence acknowledged with 200 survives a kill -9.
 */
export class SilenceSnapshot {
  readonly file: string;

  constructor(
    dir: string,
    readonly silences: Silences,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'silences.json');
  }

  /** Loads the file if present; then writes it again on every change. */
  attach(): void {
    let text: string | undefined;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      for (const s of JSON.parse(text) as StoredSilence[]) this.silences.load(silenceFromStored(s));
    }
    this.silences.onWrite = () => this.write();
  }

  write(): void {
    const data: StoredSilence[] = this.silences.all().map(storedSilence);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.file);
  }
}

/** The stored form of a silence. */
export function storedSilence(s: Silence): StoredSilence {
  return {
    id: s.id,
    matchers: s.matchers.map((m) => [m.type, m.name, m.value] as [MatchType, string, string]),
    startsAtMs: s.startsAtMs,
    endsAtMs: s.endsAtMs,
    updatedAtMs: s.updatedAtMs,
    createdBy: s.createdBy,
    comment: s.comment,
  };
}

/** A silence from its stored form. */
export function silenceFromStored(s: StoredSilence): Silence {
  return { ...s, matchers: s.matchers.map(([t, n, v]) => new AmMatcher(t, n, v)) };
}
