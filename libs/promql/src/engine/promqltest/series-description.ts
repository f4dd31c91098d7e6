import { Labels, parseDuration } from '@argus/model';
import { STALE_NAN } from '@argus/model';

/** One slot of a series description: a value, a stale marker, an omitted slot or a native histogram. */
export type SlotValue =
  | { kind: 'float'; value: number }
  | { kind: 'stale' }
  | { kind: 'omitted' }
  | { kind: 'histogram'; text: string };

/** A parsed series line: `metric{a="b"} 0+10x3 _ stale`. */
export interface SeriesDescription {
  labels: Labels;
  slots: SlotValue[];
  /** From the `@st` line before it: per slot the start time's offset from the sample time in ms, `undefined` for none. */
  startOffsets?: Array<number | undefined>;
}

/** A series line that does not follow the promqltest grammar. */
export class SeriesDescriptionError extends Error {
  readonly code = 'promqltest_series_description';
}

const NUM = String.raw`(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?`;
const single = new RegExp(`^([+-]?(?:${NUM}|inf|nan))$`, 'i');
const repeat = new RegExp(`^([+-]?${NUM})x(\\d+)$`);
const stepped = new RegExp(`^([+-]?${NUM})([+-])(${NUM})x(\\d+)$`);

function parseNumber(text: string): number {
  const t = text.replace(/_/g, '');
  const lower = t.toLowerCase();
  if (/^[+-]?inf$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(lower)) return NaN;
  const n = Number(t);
  if (Number.isNaN(n)) throw new SeriesDescriptionError(`invalid number ${JSON.stringify(text)}`);
  return n;
}

/** Expands one value item into slots (`x N` gives N+1 values, `_xN` gives N). */
export function expandItem(item: string, out: SlotValue[]): void {
  if (item === '_') {
    out.push({ kind: 'omitted' });
    return;
  }
  const omitted = /^_x(\d+)$/.exec(item);
  if (omitted) {
    for (let i = 0; i < Number(omitted[1]); i++) out.push({ kind: 'omitted' });
    return;
  }
  if (item === 'stale') {
    out.push({ kind: 'stale' });
    return;
  }
  if (item.startsWith('{{')) {
    out.push({ kind: 'histogram', text: item });
    return;
  }
  let m = single.exec(item);
  if (m) {
    out.push({ kind: 'float', value: parseNumber(m[1]!) });
    return;
  }
  m = repeat.exec(item);
  if (m) {
    const v = parseNumber(m[1]!);
    for (let i = 0; i <= Number(m[2]); i++) out.push({ kind: 'float', value: v });
    return;
  }
  m = stepped.exec(item);
  if (m) {
    let v = parseNumber(m[1]!);
    const d = parseNumber(m[3]!) * (m[2] === '-' ? -1 : 1);
    out.push({ kind: 'float', value: v });
    for (let i = 0; i < Number(m[4]); i++) {
      v += d;
      out.push({ kind: 'float', value: v });
    }
    return;
  }
  throw new SeriesDescriptionError(`invalid value item ${JSON.stringify(item)}`);
}

/** Splits the value part into items; a `{{…}}` histogram (with its `xN` or `+{{…}}xN` tail) is one item. */
export function splitItems(text: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let j = i;
    let depth = 0;
    while (j < text.length) {
      if (text.startsWith('{{', j)) {
        depth++;
        j += 2;
        continue;
      }
      if (text.startsWith('}}', j)) {
        depth--;
        j += 2;
        continue;
      }
      if (depth === 0 && /\s/.test(text[j]!)) break;
      j++;
    }
    items.push(text.slice(i, j));
    i = j;
  }
  return items;
}

/** Reads a Go-style quoted string starting at `s[i]`; returns the value and the index after it. */
export function readQuoted(s: string, i: number): [string, number] {
  const q = s[i]!;
  let j = i + 1;
  let raw = '';
  while (j < s.length && s[j] !== q) {
    if (s[j] === '\\' && q !== '`') {
      raw += s[j]! + s[j + 1]!;
      j += 2;
      continue;
    }
    raw += s[j];
    j++;
  }
  if (j >= s.length) throw new SeriesDescriptionError(`unterminated string in ${JSON.stringify(s)}`);
  const value = q === '`' ? raw : unescapeGo(raw);
  return [value, j + 1];
}

function unescapeGo(raw: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      const cp = raw.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      i += ch.length - 1;
      continue;
    }
    const n = raw[++i]!;
    const simple: Record<string, number> = {
      a: 7,
      b: 8,
      f: 12,
      n: 10,
      r: 13,
      t: 9,
      v: 11,
      '\\': 92,
      "'": 39,
      '"': 34,
    };
    if (n in simple) bytes.push(simple[n]!);
    else if (n === 'x') {
      bytes.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === 'u' || n === 'U') {
      const len = n === 'u' ? 4 : 8;
      bytes.push(...enc.encode(String.fromCodePoint(parseInt(raw.slice(i + 1, i + 1 + len), 16))));
      i += len;
    } else if (/[0-7]/.test(n)) {
      bytes.push(parseInt(raw.slice(i, i + 3), 8));
      i += 2;
    } else throw new SeriesDescriptionError(`unknown escape \\${n}`);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Parses `name{l="v", …}` at the start of `line`; returns the labels and the rest of the line. */
export function parseMetric(line: string): [Labels, string] {
  let i = 0;
  const pairs: Array<[string, string]> = [];
  const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (ident) {
    pairs.push(['__name__', ident[0]]);
    i = ident[0].length;
  }
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (/\s/.test(line[i] ?? '')) i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      let name: string;
      if (line[i] === '"' || line[i] === "'" || line[i] === '`') {
        [name, i] = readQuoted(line, i);
        while (/\s/.test(line[i] ?? '')) i++;
        if (line[i] !== '=') {
          pairs.push(['__name__', name]);
          if (line[i] === ',') i++;
          continue;
        }
      } else {
        const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
        if (!m) throw new SeriesDescriptionError(`invalid label name in ${JSON.stringify(line)}`);
        name = m[0];
        i += name.length;
        while (/\s/.test(line[i] ?? '')) i++;
      }
      if (line[i] !== '=') throw new SeriesDescriptionError(`expected = in ${JSON.stringify(line)}`);
      i++;
      while (/\s/.test(line[i] ?? '')) i++;
      let value: string;
      [value, i] = readQuoted(line, i);
      pairs.push([name, value]);
      while (/\s/.test(line[i] ?? '')) i++;
      if (line[i] === ',') i++;
    }
  }
  if (i === 0) throw new SeriesDescriptionError(`missing metric in ${JSON.stringify(line)}`);
  return [Labels.fromPairs(pairs), line.slice(i)];
}

/** Parses a whole series line. */
export function parseSeriesDescription(line: string): SeriesDescription {
  const [labels, rest] = parseMetric(line);
  const slots: SlotValue[] = [];
  for (const item of splitItems(rest)) expandItem(item, slots);
  return { labels, slots };
}

/** The value stored for a slot: StaleNaN for `stale`. */
export function slotFloat(slot: SlotValue): number | undefined {
  if (slot.kind === 'float') return slot.value;
  if (slot.kind === 'stale') return STALE_NAN;
  return undefined;
}

const DUR = String.raw`(?:\d+(?:ms|s|m|h|d|w|y))+|0`;
const stSingle = new RegExp(`^([+-]?)(${DUR})$`);
const stRepeat = new RegExp(`^([+-]?)(${DUR})x(\\d+)$`);
const stStepped = new RegExp(`^([+-]?)(${DUR})([+-])(${DUR})x(\\d+)$`);

function signedDuration(sign: string, text: string): number {
  const ms = parseDuration(text);
  return sign === '-' ? -ms : ms;
}

/** Expands one item of an `@st` line (FORMAT.md §4.6) into start-time offsets. */
function expandStartItem(item: string, out: Array<number | undefined>): void {
  if (item === '_') {
    out.push(undefined);
    return;
  }
  const omitted = /^_x(\d+)$/.exec(item);
  if (omitted) {
    for (let i = 0; i < Number(omitted[1]); i++) out.push(undefined);
    return;
  }
  let m = stSingle.exec(item);
  if (m) {
    out.push(signedDuration(m[1]!, m[2]!));
    return;
  }
  m = stRepeat.exec(item);
  if (m) {
    const d = signedDuration(m[1]!, m[2]!);
    for (let i = 0; i <= Number(m[3]); i++) out.push(d);
    return;
  }
  m = stStepped.exec(item);
  if (m) {
    let d = signedDuration(m[1]!, m[2]!);
    const step = signedDuration(m[3]!, m[4]!);
    for (let i = 0; i <= Number(m[5]); i++, d += step) out.push(d);
    return;
  }
  throw new SeriesDescriptionError(`invalid start timestamp item ${JSON.stringify(item)}`);
}

/**
 * Parses an `@st` line, `metric{…}@st _ -1m -30s-1mx2`: the labels and per slot the
 * offset of the start time from the sample's own timestamp.
 */
export function parseStartTimestampLine(line: string): {
  labels: Labels;
  offsets: Array<number | undefined>;
} {
  const [labels, rest] = parseMetric(line);
  if (!rest.startsWith('@st'))
    throw new SeriesDescriptionError(`expected @st after the metric in ${JSON.stringify(line)}`);
  const offsets: Array<number | undefined> = [];
  for (const item of splitItems(rest.slice(3))) expandStartItem(item, offsets);
  return { labels, offsets };
}
