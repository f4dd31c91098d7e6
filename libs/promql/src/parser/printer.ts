import { formatDuration, isValidLegacyLabelName, METRIC_NAME_LABEL } from '@argus/model';
import type { Matcher } from '@argus/model';
import type {
  AggregateExpr,
  AtModifier,
  BinaryExpr,
  DurationExpr,
  DurationOperand,
  Expr,
  MatrixSelector,
  NumberLiteral,
  SubqueryExpr,
  VectorSelector,
} from './ast.ts';
import { formatFloatG, formatFloatPlain, goQuote } from './go-format.ts';

/**
 * Prints an expression the way Prometheus's `String()` does: canonical spacing, sorted
 * matchers, `by (…)` before the arguments, durations as `1h30m`, `@` with three decimals.
 * Parsing the output gives back an equal tree.
 */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'NumberLiteral':
      return numberToString(e);
    case 'StringLiteral':
      return goQuote(e.value);
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'UnaryExpr':
      return e.op + exprToString(e.expr);
    case 'BinaryExpr':
      return binaryChainToString(e);
    case 'AggregateExpr': {
      const param = e.param !== undefined ? `${exprToString(e.param)}, ` : '';
      return `${aggregateOpString(e)}(${param}${exprToString(e.expr)})`;
    }
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'VectorSelector':
      return vectorSelectorToString(e);
    case 'MatrixSelector':
      return matrixSelectorToString(e);
    case 'SubqueryExpr':
      return exprToString(e.expr) + subquerySuffix(e);
  }
}

/** Prints a left-deep chain of binary operations without recursing along it. */
function binaryChainToString(top: BinaryExpr): string {
  const spine: BinaryExpr[] = [];
  let cur: Expr = top;
  while (cur.kind === 'BinaryExpr') {
    spine.push(cur);
    cur = cur.lhs;
  }
  const parts: string[] = [exprToString(cur)];
  for (let i = spine.length - 1; i >= 0; i--) {
    const n = spine[i]!;
    parts.push(` ${binaryOpString(n)} `, exprToString(n.rhs));
  }
  return parts.join('');
}

function numberToString(e: NumberLiteral): string {
  if (!e.duration) return formatFloatPlain(e.value);
  const ms = Math.trunc(Math.trunc(Math.abs(e.value) * 1e9) / 1e6);
  return (e.value < 0 ? '-' : '') + formatDuration(ms);
}

/** A duration expression as upstream prints it inside `[…]` or after `offset`. */
export function durationToString(e: DurationOperand): string {
  if (e.kind === 'NumberLiteral') return numberToString(e);
  return durationExprToString(e);
}

function durationExprToString(e: DurationExpr): string {
  let s: string;
  switch (e.op) {
    case 'step':
    case 'range':
      s = `${e.op}()`;
      break;
    case 'min_of':
    case 'max_of':
      s = `${e.op}(${durationToString(e.lhs!)}, ${durationToString(e.rhs!)})`;
      break;
    default:
      if (e.lhs === undefined) s = (e.op === '-' ? '-' : '') + durationToString(e.rhs!);
      else s = `${durationToString(e.lhs)} ${e.op} ${durationToString(e.rhs!)}`;
  }
  return e.wrapped ? `(${s})` : s;
}

function labelList(labels: readonly string[]): string {
  return labels.map((l) => (isValidLegacyLabelName(l) ? l : goQuote(l))).join(', ');
}

/** `sum by (job) ` / `sum without (job) ` / `sum`: the part before the arguments. */
export function aggregateOpString(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${labelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${labelList(e.grouping)}) `;
  return e.op;
}

/** The operator with `bool`, `on`/`ignoring`, `group_*` and `fill*` modifiers. */
export function binaryOpString(e: BinaryExpr): string {
  let s = e.op + (e.returnBool ? ' bool' : '');
  const vm = e.matching;
  if (!vm) return s;
  const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
  if (vm.labels.length > 0 || vm.on || grouped)
    s += ` ${vm.on ? 'on' : 'ignoring'} (${labelList(vm.labels)})`;
  if (grouped) s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${labelList(vm.include)})`;
  const { lhs, rhs } = vm.fill;
  if (lhs !== undefined && rhs !== undefined && Object.is(lhs, rhs)) s += ` fill (${formatFloatG(lhs)})`;
  else {
    if (lhs !== undefined) s += ` fill_left (${formatFloatG(lhs)})`;
    if (rhs !== undefined) s += ` fill_right (${formatFloatG(rhs)})`;
  }
  return s;
}

function atString(at: AtModifier): string {
  if (at === undefined) return '';
  if (at === 'start' || at === 'end') return ` @ ${at}()`;
  return ` @ ${(at / 1000).toFixed(3)}`;
}

function offsetString(ms: number, expr: DurationExpr | undefined): string {
  if (expr) return ` offset ${durationExprToString(expr)}`;
  if (ms > 0) return ` offset ${formatDuration(ms)}`;
  if (ms < 0) return ` offset -${formatDuration(-ms)}`;
  return '';
}

function matcherToString(m: Matcher): string {
  const quoteName = m.name === '' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name);
  return `${quoteName ? goQuote(m.name) : m.name}${m.type}${goQuote(m.value)}`;
}

/** Go's byte-wise string order (UTF-8), which is code point order. */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

function selectorBody(e: VectorSelector): string {
  const parts: string[] = [];
  for (const m of e.matchers) {
    if (m.name === METRIC_NAME_LABEL && m.type === '=' && m.value === e.name && m.value !== '') continue;
    parts.push(matcherToString(m));
  }
  parts.sort(compareUtf8);
  return (e.name ?? '') + (parts.length > 0 ? `{${parts.join(',')}}` : '');
}

function extendedString(e: VectorSelector): string {
  if (e.anchored) return ' anchored';
  if (e.smoothed) return ' smoothed';
  return '';
}

function vectorSelectorToString(e: VectorSelector): string {
  return selectorBody(e) + atString(e.at) + extendedString(e) + offsetString(e.offsetMs, e.offsetExpr);
}

function rangeString(ms: number, expr: DurationExpr | undefined): string {
  return expr ? durationExprToString(expr) : formatDuration(ms);
}

function matrixSelectorToString(e: MatrixSelector): string {
  const vs = e.vectorSelector;
  return (
    `${selectorBody(vs)}[${rangeString(e.rangeMs, e.rangeExpr)}]` +
    extendedString(vs) +
    atString(vs.at) +
    offsetString(vs.offsetMs, vs.offsetExpr)
  );
}

/** `[range:step] @ t offset d` of a subquery. */
export function subquerySuffix(e: SubqueryExpr): string {
  const step = e.stepExpr ? durationExprToString(e.stepExpr) : e.stepMs !== 0 ? formatDuration(e.stepMs) : '';
  return `[${rangeString(e.rangeMs, e.rangeExpr)}:${step}]${atString(e.at)}${offsetString(e.offsetMs, e.offsetExpr)}`;
}
