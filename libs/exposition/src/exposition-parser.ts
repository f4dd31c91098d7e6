import { Buffer } from 'node:buffer';
import { Labels, METRIC_NAME_LABEL } from '@argus/model';
import { ByteInterner, INVALID_UTF8, decode, unescape, unescapeHelp } from './byte-interner.ts';
import { CHAR_CLASS, LABEL_CHAR, LABEL_START, NAME_CHAR, NAME_START, VALUE_END, WORD } from './char-class.ts';
import { Entry } from './entry.ts';
import type { ExpositionFormat } from './exposition-format.ts';
import { formatOpenMetricsFloat } from './go-float.ts';
import type { MetricType } from './metric-family.ts';
import { ExpositionParseError } from './parse-error.ts';
import { parseFloatBytes, parseFloatString } from './parse-float.ts';

const NL = 0x0a;
const SP = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;
const EQUAL = 0x3d;

const MEMO_SLOTS = 33; // metric name and 16 label pairs

const TEXT_TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const OPENMETRICS_TYPES: readonly MetricType[] = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
];

/** Options of {@link ExpositionParser}. */
export interface ExpositionParserOptions {
  /**
   * Interner for names and label values. Share one across parses of the same target
   * (scrape after scrape) so steady label values are never decoded again. Default: a new one.
   */
  interner?: ByteInterner;
  /**
   * Rewrite `le` of histograms and `quantile` of summaries to float form (`1` → `1.0`),
   * as Prometheus 3.x does at ingestion. Default true.
   */
  normalizeFloatLabelValues?: boolean;
}

/**
 * A pull parser over one exposition held in bytes, in the text format 0.0.4 or
 * OpenMetrics 1.0, following Prometheus's parsers (`promparse`, `openmetricsparse`)
 * in what it accepts and in the words of its errors.
 *
 * `next()` advances one entry and returns its kind; the accessors then describe that
 * entry until the following `next()`. Nothing is allocated per sample: names and label
 * values are interned strings made on first sight and only when asked for, so a caller
 * that keys a cache by {@link rawSeries}/{@link seriesKey} does no label work on a hit.
 *
 * A malformed line makes `next()` throw {@link ExpositionParseError}; the parser stays
 * failed after that. The buffer must not change while it is being parsed.
 */
export class ExpositionParser {
  readonly #buf: Uint8Array;
  readonly #len: number;
  readonly #om: boolean;
  readonly #interner: ByteInterner;
  readonly #normalize: boolean;
  #normalized = new Map<string, string>();

  #pos = 0;
  #tokStart = 0;
  #done = false;
  #error: ExpositionParseError | undefined;

  // Current series.
  #seriesStart = 0;
  #seriesEnd = 0;
  /** Set when {@link nextIfSeries} read the line without its series part. */
  #skipped = false;
  #nameStart = -1;
  #nameEnd = -1;
  #labels = new Int32Array(64); // [nameStart, nameEnd, valueStart, valueEnd] per label
  #labelCount = 0;
  #value = 0;
  #hasTimestamp = false;
  #timestampMs = 0;

  // Current exemplar (OpenMetrics).
  #hasExemplar = false;
  #exLabels = new Int32Array(16);
  #exLabelCount = 0;
  #exValue = 0;
  #exHasTimestamp = false;
  #exTimestampMs = 0;

  // Last string made at each position of a line, see #internSlot.
  readonly #memoStart = new Int32Array(MEMO_SLOTS).fill(-1);
  readonly #memoLength = new Int32Array(MEMO_SLOTS);
  readonly #memoString: string[] = new Array<string>(MEMO_SLOTS).fill('');

  // Current metadata or comment.
  #metaStart = 0;
  #metaEnd = 0;
  #textStart = 0;
  #textEnd = 0;
  #type: MetricType = 'unknown';

  constructor(buf: Uint8Array, format: ExpositionFormat = 'text', options: ExpositionParserOptions = {}) {
    this.#buf = buf;
    this.#len = buf.length;
    this.#om = format === 'openmetrics';
    this.#interner = options.interner ?? new ByteInterner();
    this.#normalize = options.normalizeFloatLabelValues ?? true;
  }

  /** The format being parsed. */
  get format(): ExpositionFormat {
    return this.#om ? 'openmetrics' : 'text';
  }

  /**
   * Advances to the next entry and returns its kind; {@link Entry.EOF} once the
   * exposition is complete (and on every call after). Throws {@link ExpositionParseError}.
   */
  next(): Entry {
    if (this.#error !== undefined) throw this.#error;
    if (this.#done) return Entry.EOF;
    try {
      return this.#om ? this.#nextOpenMetrics() : this.#nextText();
    } catch (err) {
      if (err instanceof ExpositionParseError) this.#error = err;
      throw err;
    }
  }

  /**
   * A shortcut for a caller that knows which series the next line probably has (the one in
   * the same place in the previous scrape): when the next entry is a text-format sample line
   * whose series part is exactly `key[start, end)`, reads its value and timestamp without
   * parsing the series part again (the same bytes parsed and passed before) and returns
   * true; the series accessors other than `seriesStart`/`seriesEnd`, `value` and the
   * timestamp then throw. Otherwise returns false with nothing consumed, for {@link next}.
   * OpenMetrics never takes the shortcut (its checks span lines).
   */
  nextIfSeries(key: Uint8Array, start: number, end: number): boolean {
    if (this.#om || this.#error !== undefined || this.#done) return false;
    const b = this.#buf;
    const n = this.#len;
    let i = this.#pos;
    while (true) {
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (i >= n || b[i] !== NL) break;
      i++;
    }
    const len = end - start;
    if (len <= 0 || i + len >= n) return false;
    for (let k = 0; k < len; k++) if (b[i + k] !== key[start + k]) return false;
    let j = i + len;
    if (b[j] !== SP && b[j] !== TAB) return false;
    while (j < n && (b[j] === SP || b[j] === TAB)) j++;
    // `name {…}`: the key was only the name of a series that has labels.
    if (b[j] === LBRACE) return false;
    this.#resetSeries();
    this.#seriesStart = i;
    this.#seriesEnd = i + len;
    this.#skipped = true;
    try {
      this.#textSampleTail(j);
    } catch (err) {
      if (err instanceof ExpositionParseError) this.#error = err;
      throw err;
    }
    return true;
  }

  // ---- series accessors ----

  /** The sample value (NaN, ±Infinity included). */
  get value(): number {
    return this.#value;
  }

  /** Whether the sample line carries a timestamp. */
  get hasTimestamp(): boolean {
    return this.#hasTimestamp;
  }

  /** The sample timestamp in milliseconds (OpenMetrics seconds converted); 0 when absent. */
  get timestampMs(): number {
    return this.#timestampMs;
  }

  /** The metric name of the series (unquoted, unescaped). */
  metricName(): string {
    this.#checkParsed();
    return this.#internSlot(0, this.#nameStart, this.#nameEnd);
  }

  /** Number of label pairs written on the line, `__name__` not counted. */
  get labelCount(): number {
    this.#checkParsed();
    return this.#labelCount;
  }

  /** Name of the `i`-th label as written (line order, not sorted). */
  labelName(i: number): string {
    return this.#internSlot(1 + 2 * i, this.#labels[4 * i], this.#labels[4 * i + 1]);
  }

  /** Value of the `i`-th label, unescaped (`le`/`quantile` normalized, see the options). */
  labelValue(i: number): string {
    const value = this.#internSlot(2 + 2 * i, this.#labels[4 * i + 2], this.#labels[4 * i + 3]);
    if (!this.#normalize) return value;
    if (
      this.#type === 'histogram'
        ? this.labelName(i) === 'le'
        : this.#type === 'summary' && this.labelName(i) === 'quantile'
    ) {
      return this.#normalizeFloat(value);
    }
    return value;
  }

  /**
   * The series' label set, sorted, with `__name__` unless `withName` is false; labels with
   * an empty value are left out, as Prometheus does. Throws {@link ExpositionParseError} on a
   * repeated label name.
   */
  labels(withName = true): Labels {
    this.#checkParsed();
    const flat: string[] = [];
    if (withName) flat.push(METRIC_NAME_LABEL, this.metricName());
    for (let i = 0; i < this.#labelCount; i++) {
      const value = this.labelValue(i);
      if (value !== '') flat.push(this.labelName(i), value);
    }
    return this.#sorted(flat, this.#seriesStart);
  }

  /** Byte offset in the buffer where the series part (name and label set) starts. */
  get seriesStart(): number {
    return this.#seriesStart;
  }

  /** Byte offset just past the series part. */
  get seriesEnd(): number {
    return this.#seriesEnd;
  }

  /** The series part of the line as written (`name{a="b"}`): a view, valid while the buffer is. */
  rawSeries(): Uint8Array {
    return this.#buf.subarray(this.#seriesStart, this.#seriesEnd);
  }

  /**
   * The series part as a string usable as a Map key (one char per byte), for caches of
   * parsed label sets by raw line bytes between scrapes.
   */
  seriesKey(): string {
    return latin1(this.#buf, this.#seriesStart, this.#seriesEnd);
  }

  /** Whether the sample carries an exemplar (OpenMetrics only). */
  get hasExemplar(): boolean {
    return this.#hasExemplar;
  }

  get exemplarValue(): number {
    return this.#exValue;
  }

  get exemplarHasTimestamp(): boolean {
    return this.#exHasTimestamp;
  }

  /** Exemplar timestamp in milliseconds; 0 when absent. */
  get exemplarTimestampMs(): number {
    return this.#exTimestampMs;
  }

  /** The exemplar's label set, sorted. */
  exemplarLabels(): Labels {
    const flat: string[] = [];
    const o = this.#exLabels;
    for (let i = 0; i < this.#exLabelCount; i++) {
      const value = this.#intern(o[4 * i + 2], o[4 * i + 3]);
      if (value !== '') flat.push(this.#intern(o[4 * i], o[4 * i + 1]), value);
    }
    return this.#sorted(flat, this.#seriesEnd);
  }

  // ---- metadata accessors ----

  /** The metric family named by the current HELP, TYPE or UNIT line. */
  metadataName(): string {
    return this.#intern(this.#metaStart, this.#metaEnd);
  }

  /** The HELP text, unescaped. */
  help(): string {
    const raw = latin1OrUtf8(this.#buf, this.#textStart, this.#textEnd);
    // OpenMetrics escapes HELP like a label value; the text format knows only \\ and \n.
    return this.#om ? unescape(raw) : unescapeHelp(raw);
  }

  /** The type named by the current TYPE line, or the last one seen. */
  metricType(): MetricType {
    return this.#type;
  }

  /** The unit of the current UNIT line. */
  unit(): string {
    return this.#intern(this.#textStart, this.#textEnd);
  }

  /** The text of the current comment line after `#` (one leading space dropped). */
  comment(): string {
    return latin1OrUtf8(this.#buf, this.#textStart, this.#textEnd);
  }

  // ---- text format ----

  #nextText(): Entry {
    const b = this.#buf;
    const n = this.#len;
    let i = this.#pos;
    while (true) {
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (i >= n || b[i] === 0) {
        this.#done = true;
        return Entry.EOF;
      }
      if (b[i] !== NL) break;
      i++;
    }
    if (b[i] === HASH) return this.#textComment(i);
    this.#resetSeries();
    this.#seriesStart = i;
    const c = b[i];
    if (CHAR_CLASS[c] & NAME_START) {
      this.#nameStart = i;
      i++;
      while (i < n && CHAR_CLASS[b[i]] & NAME_CHAR) i++;
      this.#nameEnd = i;
      this.#seriesEnd = i;
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (b[i] === LBRACE) {
        i = this.#textLabels(i + 1);
        this.#seriesEnd = i;
      }
    } else if (c === LBRACE) {
      i = this.#textLabels(i + 1);
      this.#seriesEnd = i;
      if (this.#nameStart < 0)
        this.#fail(
          this.#seriesStart,
          `metric name not set while parsing: ${this.#quote(this.#seriesStart, i)}`,
        );
    } else {
      this.#failToken(i, 'expected a valid start token');
    }
    this.#textSampleTail(i);
    return Entry.Series;
  }

  /** The value and optional timestamp after a text-format series part ending at `i`; moves past the line. */
  #textSampleTail(i: number): void {
    const b = this.#buf;
    const n = this.#len;
    while (i < n && (b[i] === SP || b[i] === TAB)) i++;
    const valueStart = i;
    while (i < n && (CHAR_CLASS[b[i]] & VALUE_END) === 0) i++;
    if (i === valueStart) this.#failToken(i, 'expected value after metric');
    this.#value = this.#parseValue(valueStart, i);
    while (i < n && (b[i] === SP || b[i] === TAB)) i++;
    if (i < n && b[i] !== NL) {
      const tsStart = i;
      while (i < n && b[i] >= 0x30 && b[i] <= 0x39) i++;
      if (i === tsStart) this.#failToken(i, 'expected timestamp or new record');
      this.#timestampMs = this.#parseIntegerTimestamp(tsStart, i);
      this.#hasTimestamp = true;
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (i < n && b[i] !== NL) this.#failToken(i, 'expected next entry after timestamp');
    }
    this.#pos = i + 1;
  }

  /** Parses label pairs after `{`; returns the offset after `}`. */
  #textLabels(i: number): number {
    const b = this.#buf;
    const n = this.#len;
    while (true) {
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      const c = b[i];
      if (c === RBRACE) return i + 1;
      let nameStart: number;
      let nameEnd: number;
      let quoted = false;
      if (CHAR_CLASS[c] & LABEL_START) {
        nameStart = i++;
        while (i < n && CHAR_CLASS[b[i]] & LABEL_CHAR) i++;
        nameEnd = i;
      } else if (c === QUOTE) {
        nameStart = i + 1;
        i = this.#quoted(i, true, 'label name');
        nameEnd = i - 1;
        quoted = true;
      } else {
        this.#failToken(i, 'expected label name');
      }
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (quoted && (b[i] === COMMA || b[i] === RBRACE)) {
        this.#setQuotedName(nameStart, nameEnd, i);
        if (b[i] === RBRACE) return i + 1;
        i++;
        continue;
      }
      if (b[i] !== EQUAL) this.#failToken(i, 'expected equal');
      i++;
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (b[i] !== QUOTE) this.#failToken(i, 'expected label value');
      const valueStart = i + 1;
      i = this.#quoted(i, true, 'label value');
      this.#pushLabel(nameStart, nameEnd, valueStart, i - 1);
      while (i < n && (b[i] === SP || b[i] === TAB)) i++;
      if (b[i] === COMMA) i++;
    }
  }

  #textComment(i: number): Entry {
    const b = this.#buf;
    const n = this.#len;
    let lineEnd = b.indexOf(NL, i);
    if (lineEnd < 0) lineEnd = n;
    this.#pos = lineEnd + 1;
    let k = i + 1;
    if (k < n && (b[k] === SP || b[k] === TAB)) {
      while (k < n && (b[k] === SP || b[k] === TAB)) k++;
      const kind = this.#metaKeyword(k, false);
      if (kind !== 0 && k + 4 < n && (b[k + 4] === SP || b[k + 4] === TAB)) {
        k += 4;
        while (k < n && (b[k] === SP || b[k] === TAB)) k++;
        const keyword = kind === Entry.Help ? 'HELP' : 'TYPE';
        k = this.#metaName(k, keyword);
        if (k < lineEnd && b[k] !== SP && b[k] !== TAB) this.#failToken(k, `expected text in ${keyword}`);
        this.#textStart = k < lineEnd ? k + 1 : lineEnd;
        this.#textEnd = lineEnd;
        if (kind === Entry.Type) this.#type = this.#parseType(TEXT_TYPES);
        else this.#checkHelp();
        return kind;
      }
    }
    this.#textStart = i + 1 < lineEnd && b[i + 1] === SP ? i + 2 : i + 1;
    this.#textEnd = lineEnd;
    return Entry.Comment;
  }

  // ---- OpenMetrics ----

  #nextOpenMetrics(): Entry {
    const b = this.#buf;
    const n = this.#len;
    let i = this.#pos;
    if (i >= n) this.#fail(i, 'data does not end with # EOF');
    const c = b[i];
    if (c === HASH) return this.#openMetricsMeta(i);
    this.#resetSeries();
    this.#seriesStart = i;
    if (CHAR_CLASS[c] & NAME_START) {
      this.#nameStart = i;
      i++;
      while (i < n && CHAR_CLASS[b[i]] & NAME_CHAR) i++;
      this.#nameEnd = i;
      if (b[i] === LBRACE) i = this.#openMetricsLabels(i + 1, false);
    } else if (c === LBRACE) {
      i = this.#openMetricsLabels(i + 1, false);
      if (this.#nameStart < 0)
        this.#fail(
          this.#seriesStart,
          `metric name not set while parsing: ${this.#quote(this.#seriesStart, i)}`,
        );
    } else {
      this.#failToken(i, 'expected a valid start token');
    }
    this.#seriesEnd = i;
    i = this.#openMetricsValue(i, 'metric');
    this.#value = this.#parseValue(this.#tokStart, i);
    if (i >= n) this.#fail(i, 'data does not end with # EOF');
    if (b[i] === SP) {
      if (this.#exemplarAhead(i)) {
        i = this.#openMetricsExemplar(i + 4);
      } else {
        const tsStart = i + 1;
        i = tsStart;
        while (i < n && b[i] !== SP && b[i] !== NL) i++;
        if (i === tsStart) this.#failToken(i, 'expected timestamp or comment');
        this.#timestampMs = this.#parseSecondsTimestamp(tsStart, i, 'invalid timestamp');
        this.#hasTimestamp = true;
        if (i >= n) this.#fail(i, 'data does not end with # EOF');
        if (this.#exemplarAhead(i)) i = this.#openMetricsExemplar(i + 4);
        else if (b[i] !== NL) this.#failToken(i, 'expected next entry after timestamp');
      }
    } else if (b[i] !== NL) {
      this.#failToken(i, 'expected timestamp or comment');
    }
    this.#pos = i + 1;
    return Entry.Series;
  }

  /** Expects ` value`; leaves the token start in #tokStart and returns its end. */
  #openMetricsValue(i: number, after: string): number {
    const b = this.#buf;
    const n = this.#len;
    if (b[i] !== SP || i + 1 >= n || b[i + 1] === SP || b[i + 1] === NL)
      this.#failToken(i, `expected value after ${after}`);
    i++;
    this.#tokStart = i;
    while (i < n && b[i] !== SP && b[i] !== NL) i++;
    return i;
  }

  #exemplarAhead(i: number): boolean {
    const b = this.#buf;
    return b[i] === SP && b[i + 1] === HASH && b[i + 2] === SP && b[i + 3] === LBRACE;
  }

  /** Parses `labels} value[ timestamp]\n` of an exemplar (after ` # {`); returns the newline offset. */
  #openMetricsExemplar(i: number): number {
    const b = this.#buf;
    const n = this.#len;
    this.#hasExemplar = true;
    i = this.#openMetricsLabels(i, true);
    i = this.#openMetricsValue(i, 'exemplar labels');
    this.#exValue = this.#parseValue(this.#tokStart, i);
    if (i >= n) this.#fail(i, 'data does not end with # EOF');
    if (b[i] === SP) {
      const tsStart = i + 1;
      i = tsStart;
      while (i < n && b[i] !== SP && b[i] !== NL) i++;
      if (i === tsStart) this.#failToken(i, 'expected timestamp or comment');
      this.#exTimestampMs = this.#parseSecondsTimestamp(tsStart, i, 'invalid exemplar timestamp');
      this.#exHasTimestamp = true;
      if (i >= n) this.#fail(i, 'data does not end with # EOF');
      if (b[i] !== NL) this.#failToken(i, 'expected next entry after exemplar timestamp');
    }
    return i;
  }

  /** Parses OpenMetrics label pairs after `{`; returns the offset after `}`. */
  #openMetricsLabels(i: number, exemplar: boolean): number {
    const b = this.#buf;
    const n = this.#len;
    while (true) {
      const c = b[i];
      if (c === RBRACE) return i + 1;
      let nameStart: number;
      let nameEnd: number;
      let quoted = false;
      if (CHAR_CLASS[c] & LABEL_START) {
        nameStart = i++;
        while (i < n && CHAR_CLASS[b[i]] & LABEL_CHAR) i++;
        nameEnd = i;
      } else if (c === QUOTE) {
        nameStart = i + 1;
        i = this.#quoted(i, true, 'label name');
        nameEnd = i - 1;
        quoted = true;
      } else {
        this.#failToken(i, 'expected label name');
      }
      if (b[i] === COMMA || b[i] === RBRACE) {
        if (exemplar || !quoted) this.#failToken(i, exemplar ? 'expected label name' : 'expected equal');
        this.#setQuotedName(nameStart, nameEnd, i);
        if (b[i] === RBRACE) return i + 1;
        i++;
        continue;
      }
      if (b[i] !== EQUAL) this.#failToken(i, 'expected equal');
      i++;
      if (b[i] !== QUOTE) this.#failToken(i, 'expected label value');
      const valueStart = i + 1;
      i = this.#quoted(i, false, 'label value');
      if (exemplar) this.#pushExemplarLabel(nameStart, nameEnd, valueStart, i - 1);
      else this.#pushLabel(nameStart, nameEnd, valueStart, i - 1);
      if (b[i] === COMMA) i++;
      else if (b[i] !== RBRACE) this.#failToken(i, 'expected comma or brace close');
    }
  }

  #openMetricsMeta(i: number): Entry {
    const b = this.#buf;
    const n = this.#len;
    if (b[i + 1] !== SP) this.#failToken(i, 'expected a valid start token');
    let k = i + 2;
    if (b[k] === 0x45 && b[k + 1] === 0x4f && b[k + 2] === 0x46 /* EOF */) {
      k += 3;
      if (k === n || (b[k] === NL && k + 1 === n)) {
        this.#done = true;
        return Entry.EOF;
      }
      const at = b[k] === NL ? k + 1 : k;
      this.#fail(at, 'unexpected data after # EOF', latin1OrUtf8(b, at, Math.min(n, at + 32)));
    }
    const kind = this.#metaKeyword(k, true);
    if (kind === 0 || b[k + 4] !== SP) this.#failToken(i, 'expected a valid start token');
    const keyword = kind === Entry.Help ? 'HELP' : kind === Entry.Type ? 'TYPE' : 'UNIT';
    k = this.#metaName(k + 5, keyword);
    let lineEnd = b.indexOf(NL, k);
    if (lineEnd < 0) lineEnd = n;
    if (b[k] !== SP || lineEnd === n) this.#failToken(k, `expected text in ${keyword}`);
    this.#textStart = k + 1;
    this.#textEnd = lineEnd;
    this.#pos = lineEnd + 1;
    if (kind === Entry.Type) this.#type = this.#parseType(OPENMETRICS_TYPES);
    else if (kind === Entry.Help) this.#checkHelp();
    else this.#checkUnit();
    return kind;
  }

  // ---- shared pieces ----

  /** Recognises HELP, TYPE (and UNIT in OpenMetrics) at `k`; 0 otherwise. */
  #metaKeyword(k: number, om: boolean): 0 | typeof Entry.Help | typeof Entry.Type | typeof Entry.Unit {
    const b = this.#buf;
    if (k + 4 > this.#len) return 0;
    const c0 = b[k];
    const c1 = b[k + 1];
    const c2 = b[k + 2];
    const c3 = b[k + 3];
    if (c0 === 0x48 && c1 === 0x45 && c2 === 0x4c && c3 === 0x50) return Entry.Help;
    if (c0 === 0x54 && c1 === 0x59 && c2 === 0x50 && c3 === 0x45) return Entry.Type;
    if (om && c0 === 0x55 && c1 === 0x4e && c2 === 0x49 && c3 === 0x54) return Entry.Unit;
    return 0;
  }

  /** Reads a metadata line's metric name (bare or quoted) at `k`; returns the offset after it. */
  #metaName(k: number, keyword: string): number {
    const b = this.#buf;
    const n = this.#len;
    if (CHAR_CLASS[b[k]] & NAME_START) {
      this.#metaStart = k++;
      while (k < n && CHAR_CLASS[b[k]] & NAME_CHAR) k++;
      this.#metaEnd = k;
      return k;
    }
    if (b[k] === QUOTE) {
      this.#metaStart = k + 1;
      k = this.#quoted(k, true, 'metric name');
      this.#metaEnd = k - 1;
      return k;
    }
    this.#failToken(k, `expected metric name after ${keyword}`);
  }

  /** Scans a quoted string starting at the quote at `i`; returns the offset after the closing quote. */
  #quoted(i: number, newlineAllowed: boolean, what: string): number {
    const b = this.#buf;
    const n = this.#len;
    const start = i;
    let high = 0;
    i++;
    while (i < n) {
      const c = b[i];
      if (c === QUOTE) {
        if (high & 0x80) this.#checkUtf8(start + 1, i);
        return i + 1;
      }
      if (c === BACKSLASH) {
        if (b[i + 1] === NL) break;
        i += 2;
      } else {
        if (c === NL && !newlineAllowed) break;
        high |= c;
        i++;
      }
    }
    let lineEnd = b.indexOf(NL, start);
    if (lineEnd < 0) lineEnd = n;
    this.#fail(
      start,
      `expected ${what}, got ${this.#quote(start, lineEnd + 1)} (unterminated string)`,
      latin1OrUtf8(b, start, lineEnd),
    );
  }

  #checkUtf8(start: number, end: number): void {
    if (decode(this.#buf, start, end) === INVALID_UTF8) {
      this.#fail(start, `invalid UTF-8 label value: ${this.#quote(start, end)}`);
    }
  }

  #setQuotedName(start: number, end: number, at: number): void {
    if (this.#nameStart >= 0) {
      this.#fail(at, `metric name already set while parsing: ${this.#quote(this.#seriesStart, at + 1)}`);
    }
    this.#nameStart = start;
    this.#nameEnd = end;
  }

  #pushLabel(ns: number, ne: number, vs: number, ve: number): void {
    const at = 4 * this.#labelCount;
    if (at + 4 > this.#labels.length) {
      const grown = new Int32Array(this.#labels.length * 2);
      grown.set(this.#labels);
      this.#labels = grown;
    }
    const o = this.#labels;
    o[at] = ns;
    o[at + 1] = ne;
    o[at + 2] = vs;
    o[at + 3] = ve;
    this.#labelCount++;
  }

  #pushExemplarLabel(ns: number, ne: number, vs: number, ve: number): void {
    const at = 4 * this.#exLabelCount;
    if (at + 4 > this.#exLabels.length) {
      const grown = new Int32Array(this.#exLabels.length * 2);
      grown.set(this.#exLabels);
      this.#exLabels = grown;
    }
    const o = this.#exLabels;
    o[at] = ns;
    o[at + 1] = ne;
    o[at + 2] = vs;
    o[at + 3] = ve;
    this.#exLabelCount++;
  }

  #checkParsed(): void {
    if (this.#skipped) throw new Error('the series part of this line was not parsed (nextIfSeries)');
  }

  #resetSeries(): void {
    this.#skipped = false;
    this.#nameStart = -1;
    this.#nameEnd = -1;
    this.#labelCount = 0;
    this.#hasTimestamp = false;
    this.#timestampMs = 0;
    this.#hasExemplar = false;
    this.#exLabelCount = 0;
    this.#exValue = 0;
    this.#exHasTimestamp = false;
    this.#exTimestampMs = 0;
  }

  #parseValue(start: number, end: number): number {
    const v = parseFloatBytes(this.#buf, start, end);
    if (v === undefined)
      this.#fail(start, `invalid float value ${this.#quote(start, end)}`, latin1(this.#buf, start, end));
    return v;
  }

  /** Text format timestamps: decimal integer milliseconds within int64. */
  #parseIntegerTimestamp(start: number, end: number): number {
    const b = this.#buf;
    let v = 0;
    for (let i = start; i < end; i++) v = v * 10 + (b[i] - 0x30);
    if (end - start > 19 || v > 9223372036854775807) {
      this.#fail(start, `timestamp out of range ${this.#quote(start, end)}`, latin1(b, start, end));
    }
    return v;
  }

  /** OpenMetrics timestamps: float seconds, truncated to milliseconds; exact for plain decimals. */
  #parseSecondsTimestamp(start: number, end: number, reason: string): number {
    const b = this.#buf;
    let i = start;
    let negative = false;
    if (b[i] === 0x2d) {
      negative = true;
      i++;
    } else if (b[i] === 0x2b) i++;
    let seconds = 0;
    const intStart = i;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39 && i - intStart < 15)
      seconds = seconds * 10 + (b[i++] - 0x30);
    let exact = i > intStart;
    let ms = 0;
    if (exact && i < end && b[i] === 0x2e) {
      i++;
      let scale = 100;
      while (i < end && b[i] >= 0x30 && b[i] <= 0x39) {
        ms += (b[i++] - 0x30) * scale;
        scale = Math.floor(scale / 10);
      }
    }
    exact &&= i === end;
    if (exact) {
      const t = seconds * 1000 + ms;
      return negative ? -t : t;
    }
    const v = parseFloatBytes(b, start, end);
    if (v === undefined)
      this.#fail(start, `invalid float value ${this.#quote(start, end)}`, latin1(b, start, end));
    if (!Number.isFinite(v))
      this.#fail(start, `${reason} ${formatOpenMetricsFloat(v)}`, latin1(b, start, end));
    return Math.trunc(v * 1000);
  }

  #parseType(allowed: readonly MetricType[]): MetricType {
    const text = latin1(this.#buf, this.#textStart, this.#textEnd);
    const type = allowed.find((t) => t === text);
    if (type === undefined) this.#fail(this.#textStart, `invalid metric type ${JSON.stringify(text)}`, text);
    return type;
  }

  #checkHelp(): void {
    for (let i = this.#textStart; i < this.#textEnd; i++) {
      if (this.#buf[i] & 0x80) {
        if (decode(this.#buf, this.#textStart, this.#textEnd) === INVALID_UTF8) {
          this.#fail(
            this.#textStart,
            `help text ${this.#quote(this.#textStart, this.#textEnd)} is not a valid utf8 string`,
          );
        }
        return;
      }
    }
  }

  #checkUnit(): void {
    const name = this.metadataName();
    const unit = latin1OrUtf8(this.#buf, this.#textStart, this.#textEnd);
    if (
      unit !== '' &&
      !(name.length > unit.length && name.endsWith(unit) && name[name.length - unit.length - 1] === '_')
    ) {
      this.#fail(
        this.#textStart,
        `unit ${JSON.stringify(unit)} not a suffix of metric ${JSON.stringify(name)}`,
        unit,
      );
    }
  }

  /**
   * Interns with a memo per position on the line (metric name, i-th label name, i-th label
   * value): consecutive lines of a family mostly repeat their names, and a byte compare with
   * the previous occurrence is cheaper than a hash lookup.
   */
  #internSlot(slot: number, start: number, end: number): string {
    if (slot < MEMO_SLOTS) {
      const prev = this.#memoStart[slot];
      const len = end - start;
      if (prev >= 0 && this.#memoLength[slot] === len) {
        const b = this.#buf;
        let i = 0;
        while (i < len && b[prev + i] === b[start + i]) i++;
        if (i === len) {
          this.#memoStart[slot] = start;
          return this.#memoString[slot];
        }
      }
      const s = this.#intern(start, end);
      this.#memoStart[slot] = start;
      this.#memoLength[slot] = len;
      this.#memoString[slot] = s;
      return s;
    }
    return this.#intern(start, end);
  }

  #intern(start: number, end: number): string {
    const s = this.#interner.intern(this.#buf, start, end);
    // Label values are checked while scanning, names are ASCII or checked likewise.
    return s === INVALID_UTF8 ? '' : s;
  }

  #normalizeFloat(value: string): string {
    let out = this.#normalized.get(value);
    if (out === undefined) {
      const f = parseFloatString(value);
      out = f === undefined ? value : formatOpenMetricsFloat(f);
      if (this.#normalized.size > 10000) this.#normalized = new Map();
      this.#normalized.set(value, out);
    }
    return out;
  }

  #sorted(flat: string[], at: number): Labels {
    // Insertion sort of pairs: label sets are short and usually written in order.
    for (let i = 2; i < flat.length; i += 2) {
      const name = flat[i];
      const value = flat[i + 1];
      let j = i - 2;
      while (j >= 0 && flat[j] > name) {
        flat[j + 2] = flat[j];
        flat[j + 3] = flat[j + 1];
        j -= 2;
      }
      flat[j + 2] = name;
      flat[j + 3] = value;
    }
    for (let i = 2; i < flat.length; i += 2) {
      if (flat[i] === flat[i - 2]) this.#fail(at, `duplicate label name ${JSON.stringify(flat[i])}`, flat[i]);
    }
    return Labels.fromSortedFlat(flat);
  }

  #quote(start: number, end: number): string {
    return JSON.stringify(latin1OrUtf8(this.#buf, start, Math.min(end, start + 200, this.#len)));
  }

  /** Throws for the token at `i`: `<reason>, got "<token>"`. */
  #failToken(i: number, reason: string): never {
    const token = this.#tokenAt(i);
    // The text format reads as if a final newline were there, as Prometheus appends one.
    const got = i < this.#len ? JSON.stringify(token) : this.#om ? 'EOF' : JSON.stringify('\n');
    this.#fail(i, `${reason}, got ${got}`, token);
  }

  /**
   * The token at `i` for error messages: a run of name, number and UTF-8 characters, or a
   * single other character.
   */
  #tokenAt(i: number): string {
    const b = this.#buf;
    const n = this.#len;
    if (i >= n) return '';
    let j = i + 1;
    if (CHAR_CLASS[b[i]] & WORD) {
      while (j < n && j - i < 64 && CHAR_CLASS[b[j]] & WORD) j++;
    }
    return latin1OrUtf8(b, i, j);
  }

  #fail(at: number, reason: string, text?: string): never {
    const b = this.#buf;
    const end = Math.min(at, this.#len);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < end; i++) {
      if (b[i] === NL) {
        line++;
        lineStart = i + 1;
      }
    }
    let column = 1;
    for (let i = lineStart; i < end; i++) if ((b[i] & 0xc0) !== 0x80) column++;
    throw new ExpositionParseError(line, column, text ?? this.#tokenAt(at), reason);
  }
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start < 24) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.toString('latin1', start, end);
}

function latin1OrUtf8(buf: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i] & 0x80) {
      const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      return b.toString('utf8', start, end);
    }
  }
  return latin1(buf, start, end);
}
