import { parseDuration } from '@argus/model';
import type { SeriesDescription } from './series-description.ts';
import { parseSeriesDescription, parseStartTimestampLine } from './series-description.ts';

/** A `load` block: series written at `i * intervalMs`, from t = 0. */
export interface LoadCommand {
  kind: 'load';
  line: number;
  intervalMs: number;
  withNhcb: boolean;
  series: SeriesDescription[];
  /** True when the block has `@st` start-timestamp lines. */
  hasStartTimestamps: boolean;
}

export interface ClearCommand {
  kind: 'clear';
  line: number;
}

/** One `expect warn|info …` line (or `fail`). */
export interface Expectation {
  match: 'any' | 'msg' | 'regex';
  text: string;
}

/** An `eval` block with its expectations, as FORMAT.md §3 and §5 describe them. */
export interface EvalCommand {
  kind: 'eval';
  line: number;
  query: string;
  instant: boolean;
  /** Instant evals: the evaluation time; range evals: start, end, step. */
  atMs: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  fail: Expectation | undefined;
  ordered: boolean;
  warn: Expectation[];
  info: Expectation[];
  noWarn: boolean;
  noInfo: boolean;
  /** Deprecated `eval_warn` / `eval_info`: at least one such annotation. */
  anyWarn: boolean;
  anyInfo: boolean;
  rangeVector: { fromMs: number; toMs: number; stepMs: number } | undefined;
  expectString: string | undefined;
  scalar: number | undefined;
  series: Array<SeriesDescription & { line: number }>;
}

export type Command = LoadCommand | ClearCommand | EvalCommand;

/** A test script that does not follow the format; `line` is 1-based. */
export class ScriptError extends Error {
  readonly code = 'promqltest_script';

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const instantRe = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/;
const rangeRe = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/;
const expectRe = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/;
const rangeVectorRe = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/;

function duration(text: string, line: number): number {
  try {
    return parseDuration(text.trim());
  } catch {
    throw new ScriptError(line, `invalid duration ${JSON.stringify(text)}`);
  }
}

/** Go `strconv.ParseInt(s, 0, 64)` then `ParseFloat(s, 64)`, as the harness reads scalar lines. */
function parseScalarLine(s: string): number | undefined {
  if (/^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.test(s)) {
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]/, '').replace(/_/g, '');
    const n = /^0[0-7]+$/.test(body) ? parseInt(body, 8) : Number(body.replace(/^0[oO]/, '0o'));
    if (!Number.isNaN(n)) return neg ? -n : n;
  }
  if (/^[+-]?(inf|infinity|nan)$/i.test(s))
    return /nan/i.test(s) ? NaN : s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  return undefined;
}

function expectation(kind: string | undefined, text: string | undefined): Expectation {
  if (kind === undefined) return { match: 'any', text: '' };
  return { match: kind as 'msg' | 'regex', text: text!.trim() };
}

/** Parses a promqltest script into commands. */
export function parseScript(text: string): Command[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const commands: Command[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l === '') {
      i++;
      continue;
    }
    const lineNo = i + 1;
    const word = l.split(/\s+/)[0]!.toLowerCase();
    if (word === 'clear') {
      commands.push({ kind: 'clear', line: lineNo });
      i++;
    } else if (word.startsWith('load')) {
      const m = /^load(?:_(with_nhcb))?\s+(.+?)$/.exec(l);
      if (!m) throw new ScriptError(lineNo, `invalid load command ${JSON.stringify(l)}`);
      const cmd: LoadCommand = {
        kind: 'load',
        line: lineNo,
        intervalMs: duration(m[2]!, lineNo),
        withNhcb: m[1] !== undefined,
        series: [],
        hasStartTimestamps: false,
      };
      i++;
      let pendingSt: ReturnType<typeof parseStartTimestampLine> | undefined;
      while (i < lines.length && lines[i] !== '') {
        const sl = lines[i]!;
        try {
          if (/^\S*@st(\s|$)/.test(sl)) {
            // Start times for the series line that follows (FORMAT.md §4.6).
            pendingSt = parseStartTimestampLine(sl);
            cmd.hasStartTimestamps = true;
          } else {
            const desc = parseSeriesDescription(sl);
            if (pendingSt) {
              if (!pendingSt.labels.equals(desc.labels))
                throw new Error('@st line and the series line after it must have the same labels');
              // Histogram items stay unexpanded here (never loaded), so only float lines are counted.
              const histogram = desc.slots.some((slot) => slot.kind === 'histogram');
              if (!histogram && pendingSt.offsets.length !== desc.slots.length)
                throw new Error(
                  `@st line has ${pendingSt.offsets.length} items for ${desc.slots.length} values`,
                );
              desc.startOffsets = pendingSt.offsets;
              pendingSt = undefined;
            }
            const existing = cmd.series.findIndex((s) => s.labels.equals(desc.labels));
            if (existing >= 0) cmd.series[existing] = desc;
            else cmd.series.push(desc);
          }
        } catch (err) {
          throw new ScriptError(i + 1, (err as Error).message);
        }
        i++;
      }
      if (pendingSt) throw new ScriptError(i, '@st line without a series line after it');
      commands.push(cmd);
    } else if (word.startsWith('eval')) {
      const cmd = parseEvalHead(l, lineNo);
      i++;
      while (i < lines.length && lines[i] !== '') {
        const el = lines[i]!;
        const elNo = i + 1;
        i++;
        if (el.startsWith('expected_fail_message') || el.startsWith('expected_fail_regexp')) {
          const rest = el.replace(/^expected_fail_(message|regexp)/, '').trim();
          cmd.fail = { match: el.startsWith('expected_fail_message') ? 'msg' : 'regex', text: rest };
          break;
        }
        if (el.startsWith('expect range vector')) {
          const m = rangeVectorRe.exec(el);
          if (!m) throw new ScriptError(elNo, `invalid range vector expectation ${JSON.stringify(el)}`);
          cmd.rangeVector = {
            fromMs: duration(m[1]!, elNo),
            toMs: duration(m[2]!, elNo),
            stepMs: duration(m[3]!, elNo),
          };
          cmd.atMs = cmd.rangeVector.toMs;
          continue;
        }
        if (el.startsWith('expect string')) {
          const raw = el.slice('expect string'.length).trim();
          cmd.expectString = raw.startsWith('`') ? raw.slice(1, -1) : (JSON.parse(raw) as string);
          continue;
        }
        if (el.split(/\s+/)[0] === 'expect') {
          const m = expectRe.exec(el);
          if (!m) throw new ScriptError(elNo, `invalid expect statement ${JSON.stringify(el)}`);
          const exp = expectation(m[2], m[3]);
          switch (m[1]) {
            case 'ordered':
              cmd.ordered = true;
              break;
            case 'fail':
              if (cmd.fail) throw new ScriptError(elNo, 'more than one expect fail');
              cmd.fail = exp;
              break;
            case 'warn':
              cmd.warn.push(exp);
              break;
            case 'info':
              cmd.info.push(exp);
              break;
            case 'no_warn':
              cmd.noWarn = true;
              break;
            case 'no_info':
              cmd.noInfo = true;
              break;
          }
          continue;
        }
        const scalar = parseScalarLine(el);
        if (scalar !== undefined) {
          cmd.scalar = scalar;
          break;
        }
        try {
          cmd.series.push({ ...parseSeriesDescription(el), line: elNo });
        } catch (err) {
          throw new ScriptError(elNo, (err as Error).message);
        }
      }
      commands.push(cmd);
    } else {
      throw new ScriptError(lineNo, `invalid command ${JSON.stringify(l)}`);
    }
  }
  return commands;
}

function parseEvalHead(l: string, lineNo: number): EvalCommand {
  const base: EvalCommand = {
    kind: 'eval',
    line: lineNo,
    query: '',
    instant: true,
    atMs: 0,
    startMs: 0,
    endMs: 0,
    stepMs: 0,
    fail: undefined,
    ordered: false,
    warn: [],
    info: [],
    noWarn: false,
    noInfo: false,
    anyWarn: false,
    anyInfo: false,
    rangeVector: undefined,
    expectString: undefined,
    scalar: undefined,
    series: [],
  };
  let mod: string | undefined;
  const mi = instantRe.exec(l);
  if (mi) {
    mod = mi[1];
    base.atMs = duration(mi[2] ?? '', lineNo);
    base.query = mi[3]!;
  } else {
    const mr = rangeRe.exec(l);
    if (!mr) throw new ScriptError(lineNo, `invalid eval command ${JSON.stringify(l)}`);
    mod = mr[1];
    base.instant = false;
    base.startMs = duration(mr[2]!, lineNo);
    base.endMs = duration(mr[3]!, lineNo);
    base.stepMs = duration(mr[4]!, lineNo);
    base.query = mr[5]!;
    if (base.endMs < base.startMs)
      throw new ScriptError(lineNo, 'invalid test definition, end timestamp is before start timestamp');
  }
  if (mod === 'fail') base.fail = { match: 'any', text: '' };
  if (mod === 'warn') base.anyWarn = true;
  if (mod === 'info') base.anyInfo = true;
  if (mod === 'ordered') base.ordered = true;
  return base;
}
