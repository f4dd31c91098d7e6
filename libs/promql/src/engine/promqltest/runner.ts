import { isStaleNaN, matchesAll } from '@argus/model';
import type { Labels } from '@argus/model';
import { InMemoryStorage } from '@argus/storage';
import RE2 from 're2';
import type { Engine, QueryResult } from '../engine.ts';
import { almostEqual } from '../quantile.ts';
import { compareLabels, labelsKey } from '../step-vector.ts';
import type { Expr } from '../../parser/ast.ts';
import { inspect } from '../../parser/ast.ts';
import { ALL_PARSER_FEATURES } from '../../parser/options.ts';
import { parseExpr } from '../../parser/parse.ts';
import { exprToString } from '../../parser/printer.ts';
import type { EvalCommand, Expectation } from './script.ts';
import { parseScript } from './script.ts';
import { slotFloat } from './series-description.ts';

/** The outcome of one `eval` statement. */
export interface EvalOutcome {
  line: number;
  query: string;
  passed: boolean;
  /** Why it failed. */
  error?: string;
  /**
   * Set when the eval needs data this runner cannot store: its expected result holds a
   * native histogram, or one of its selectors matches a series loaded with native
   * histogram samples (or converted to NHCB by `load_with_nhcb`).
   */
  unsupportedData: false | 'native histograms';
}

/** Every eval of one script, in order. */
export interface ScriptOutcome {
  evals: EvalOutcome[];
}

class Mismatch extends Error {}

function fail(message: string): never {
  throw new Mismatch(message);
}

function floatEqual(expected: number, actual: number): boolean {
  if (isStaleNaN(expected) || isStaleNaN(actual)) return isStaleNaN(expected) && isStaleNaN(actual);
  return almostEqual(expected, actual, 1e-6);
}

function matches(exp: Expectation, text: string): boolean {
  if (exp.match === 'any') return true;
  if (exp.match === 'msg') return exp.text === text;
  return new RE2(exp.text, 'u').test(text);
}

function checkAnnotations(
  kind: string,
  got: string[],
  expected: Expectation[],
  none: boolean,
  any: boolean,
): void {
  if (none && got.length > 0) fail(`unexpected ${kind}s: ${got.join('; ')}`);
  if (any && got.length === 0) fail(`expected at least one ${kind}`);
  if (expected.length === 0) return;
  if (got.length === 0) fail(`expected ${kind} annotations but got none`);
  for (const e of expected)
    if (!got.some((g) => matches(e, g)))
      fail(`no ${kind} matches ${e.match}:${e.text}; got ${got.join('; ')}`);
  for (const g of got) if (!expected.some((e) => matches(e, g))) fail(`unexpected ${kind}: ${g}`);
}

/** Compares a result against the eval's expectations (FORMAT.md §6). */
function checkResult(cmd: EvalCommand, res: QueryResult, checkAnnos: boolean): void {
  if (checkAnnos) {
    checkAnnotations('warning', res.warnings, cmd.warn, cmd.noWarn, cmd.anyWarn);
    checkAnnotations('info', res.infos, cmd.info, cmd.noInfo, cmd.anyInfo);
  }
  const v = res.value;
  if (cmd.expectString !== undefined) {
    if (v.resultType !== 'string') fail(`expected string, got ${v.resultType}`);
    if (v.v !== cmd.expectString)
      fail(`expected string ${JSON.stringify(cmd.expectString)}, got ${JSON.stringify(v.v)}`);
    return;
  }
  if (cmd.scalar !== undefined) {
    if (v.resultType !== 'scalar') fail(`expected scalar ${cmd.scalar}, got ${v.resultType}`);
    if (!floatEqual(cmd.scalar, v.v)) fail(`expected scalar ${cmd.scalar}, got ${v.v}`);
    return;
  }
  if (v.resultType === 'scalar' || v.resultType === 'string')
    fail(`expected vector or matrix, got ${v.resultType}`);
  if (v.resultType === 'vector') {
    if (!cmd.instant || cmd.rangeVector) fail('expected a matrix, got a vector');
    const want = new Map<string, { value: number; pos: number }>();
    cmd.series.forEach((s, pos) => {
      const slot = s.slots[0];
      const value = slot ? slotFloat(slot) : undefined;
      if (s.slots.length !== 1 || value === undefined)
        fail(`expected exactly one float value on line ${s.line}`);
      want.set(labelsKey(s.labels), { value, pos });
    });
    v.samples.forEach((s, i) => {
      const w = want.get(labelsKey(s.labels));
      if (!w) fail(`unexpected metric ${s.labels.toString()} in result, has value ${s.v}`);
      if (cmd.ordered && w.pos !== i)
        fail(`expected metric ${s.labels.toString()} at position ${w.pos + 1}, got ${i + 1}`);
      if (!floatEqual(w.value, s.v)) fail(`expected ${w.value} for ${s.labels.toString()} but got ${s.v}`);
    });
    if (v.samples.length !== want.size) fail(`expected ${want.size} samples, got ${v.samples.length}`);
    return;
  }
  if (cmd.ordered) fail('expected ordered result, but query returned a matrix');
  for (let i = 1; i < v.series.length; i++) {
    if (compareLabels(v.series[i - 1]!.labels, v.series[i]!.labels) >= 0)
      fail('matrix result is not sorted by labels');
  }
  const start = cmd.rangeVector ? cmd.rangeVector.fromMs : cmd.startMs;
  const step = cmd.rangeVector ? cmd.rangeVector.stepMs : cmd.stepMs;
  const want = new Map<string, Array<[number, number]>>();
  for (const s of cmd.series) {
    const points: Array<[number, number]> = [];
    s.slots.forEach((slot, i) => {
      const f = slotFloat(slot);
      if (slot.kind === 'histogram') fail('native histogram expectations are not supported');
      if (f !== undefined) points.push([start + i * step, f]);
    });
    want.set(labelsKey(s.labels), points);
  }
  for (const s of v.series) {
    const w = want.get(labelsKey(s.labels));
    if (!w) fail(`unexpected series ${s.labels.toString()}`);
    if (w.length !== s.timestamps.length) {
      fail(
        `expected ${w.length} points for ${s.labels.toString()}, got ${s.timestamps.length}: ${Array.from(s.timestamps, (t, i) => `${s.values[i]}@${t}`).join(' ')}`,
      );
    }
    w.forEach(([t, f], i) => {
      if (s.timestamps[i] !== t)
        fail(`expected point at ${t} for ${s.labels.toString()}, got ${s.timestamps[i]}`);
      if (!floatEqual(f, s.values[i]!))
        fail(`expected ${f} at ${t} for ${s.labels.toString()}, got ${s.values[i]}`);
    });
  }
  if (v.series.length !== want.size) fail(`expected ${want.size} series, got ${v.series.length}`);
}

function checkError(cmd: EvalCommand, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (!cmd.fail) fail(`unexpected error: ${message}`);
  if (!matches(cmd.fail, message)) fail(`expected error ${cmd.fail.match}:${cmd.fail.text}, got ${message}`);
}

async function runEval(engine: Engine, storage: InMemoryStorage, cmd: EvalCommand): Promise<void> {
  await runOne(engine, storage, cmd);
  if (!cmd.instant || AT_UNSAFE.test(cmd.query)) return;
  const pinned = pinToTime(cmd.query, cmd.atMs);
  for (const t of variantTimes(cmd.atMs)) {
    try {
      await runOne(engine, storage, { ...cmd, query: pinned, atMs: t });
    } catch (err) {
      fail(`@-variant ${JSON.stringify(pinned)} at ${t}ms: ${(err as Error).message}`);
    }
  }
}

async function runOne(engine: Engine, storage: InMemoryStorage, cmd: EvalCommand): Promise<void> {
  let res: QueryResult;
  try {
    res = cmd.instant
      ? await engine.instantQuery(storage, cmd.query, cmd.atMs)
      : await engine.rangeQuery(storage, cmd.query, cmd.startMs, cmd.endMs, cmd.stepMs);
  } catch (err) {
    if (err instanceof Mismatch) throw err;
    checkError(cmd, err);
    return;
  }
  if (cmd.fail) fail(`expected error ${cmd.fail.text || '(any)'} but got a result`);
  checkResult(cmd, res, true);

  // Range-mode cross-check of instant evals (FORMAT.md §7.2 step 3).
  if (
    !cmd.instant ||
    cmd.rangeVector ||
    cmd.expectString !== undefined ||
    /(start|end|range|step)\(\)/.test(cmd.query)
  )
    return;
  if (res.value.resultType === 'string') return;
  let range: QueryResult;
  try {
    range = await engine.rangeQuery(storage, cmd.query, cmd.atMs - 60_000, cmd.atMs + 60_000, 60_000);
  } catch (err) {
    fail(`range-mode cross-check failed: ${(err as Error).message}`);
  }
  if (cmd.ordered || range.value.resultType !== 'matrix') return;
  const series = range.value.series;
  for (let i = 1; i < series.length; i++) {
    if (compareLabels(series[i - 1]!.labels, series[i]!.labels) >= 0)
      fail('range-mode cross-check: matrix not sorted');
  }
  const samples = [];
  for (const s of series) {
    const i = Array.from(s.timestamps).indexOf(cmd.atMs);
    if (i >= 0) samples.push({ labels: s.labels, t: cmd.atMs, v: s.values[i]! });
  }
  const asInstant: QueryResult =
    res.value.resultType === 'scalar'
      ? { ...res, value: { resultType: 'scalar', t: cmd.atMs, v: samples[0]?.v ?? NaN } }
      : { ...res, value: { resultType: 'vector', samples } };
  try {
    checkResult(cmd, asInstant, false);
  } catch (err) {
    fail(`range-mode cross-check: ${(err as Error).message}`);
  }
}

const AT_UNSAFE =
  /\b(days_in_month|day_of_month|day_of_week|day_of_year|end|hour|minute|month|year|predict_linear|range|start|step|time|timestamp)\s*\(/;

/**
 * The query with `@ <t>` added to every selector and subquery that has none, without
 * descending into subqueries, printed back canonically (FORMAT.md §7.2 step 2).
 */
export function pinToTime(query: string, tMs: number): string {
  const expr = parseExpr(query, ALL_PARSER_FEATURES);
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'VectorSelector':
        if (e.at === undefined) e.at = tMs;
        return;
      case 'MatrixSelector':
        if (e.vectorSelector.at === undefined) e.vectorSelector.at = tMs;
        return;
      case 'SubqueryExpr':
        if (e.at === undefined) e.at = tMs;
        return;
      case 'ParenExpr':
      case 'UnaryExpr':
        walk(e.expr);
        return;
      case 'BinaryExpr':
        walk(e.lhs);
        walk(e.rhs);
        return;
      case 'AggregateExpr':
        if (e.param) walk(e.param);
        walk(e.expr);
        return;
      case 'Call':
        e.args.forEach(walk);
        return;
      default:
        return;
    }
  };
  walk(expr);
  return exprToString(expr);
}

/** Evaluation times of the @-pinned variants of an instant eval at `t`. */
function variantTimes(t: number): number[] {
  return t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
}

/** The series `load_with_nhcb` derives from a classic histogram series: `X` without `le`. */
function nhcbLabels(labels: Labels): Labels | undefined {
  const m = /^(.*)_(bucket|count|sum)$/.exec(labels.metricName);
  if (!m) return undefined;
  return labels.builder().set('__name__', m[1]!).delete('le').labels();
}

/** Whether the eval's result or any of its selectors involves a native-histogram series. */
function needsHistograms(cmd: EvalCommand, histogramSeries: readonly Labels[]): boolean {
  if (cmd.series.some((s) => s.slots.some((slot) => slot.kind === 'histogram'))) return true;
  if (histogramSeries.length === 0) return false;
  let expr: Expr;
  try {
    expr = parseExpr(cmd.query, ALL_PARSER_FEATURES);
  } catch {
    return false;
  }
  let found = false;
  inspect(expr, (node) => {
    if (found || node.kind !== 'VectorSelector') return;
    found = histogramSeries.some((l) => matchesAll(node.matchers, (n) => l.get(n)));
  });
  return found;
}

/** Runs a promqltest script against `engine` over a fresh {@link InMemoryStorage}. */
export async function runScript(text: string, engine: Engine): Promise<ScriptOutcome> {
  const commands = parseScript(text);
  let storage = new InMemoryStorage();
  let histogramSeries: Labels[] = [];
  const evals: EvalOutcome[] = [];
  for (const cmd of commands) {
    if (cmd.kind === 'clear') {
      storage = new InMemoryStorage();
      histogramSeries = [];
      continue;
    }
    if (cmd.kind === 'load') {
      const app = storage.appender();
      for (const s of cmd.series) {
        if (cmd.withNhcb) {
          const nhcb = nhcbLabels(s.labels);
          if (nhcb) histogramSeries.push(nhcb);
        }
        if (s.slots.some((slot) => slot.kind === 'histogram')) histogramSeries.push(s.labels);
        s.slots.forEach((slot, i) => {
          if (slot.kind === 'histogram') return;
          const f = slotFloat(slot);
          const t = i * cmd.intervalMs;
          const stOffset = s.startOffsets?.[i];
          if (f !== undefined) app.append(0, s.labels, t, f, stOffset === undefined ? 0 : t + stOffset);
        });
      }
      await app.commit();
      continue;
    }
    const outcome: EvalOutcome = {
      line: cmd.line,
      query: cmd.query,
      passed: true,
      unsupportedData: needsHistograms(cmd, histogramSeries) ? 'native histograms' : false,
    };
    try {
      await runEval(engine, storage, cmd);
    } catch (err) {
      outcome.passed = false;
      outcome.error = err instanceof Error ? err.message : String(err);
    }
    evals.push(outcome);
  }
  return { evals };
}
