import type { Matcher } from '@argus/model';
import type { AtModifier, Expr } from './ast.ts';
import { formatFloatPlain } from './go-format.ts';

/** A JSON value as upstream's `/api/v1/parse_query` returns it. */
export type AstJson = null | string | number | boolean | AstJson[] | { [key: string]: AstJson };

/**
 * The tree `/api/v1/parse_query` returns (upstream's `translateAST`, for the UI's tree view):
 * objects keyed and ordered as Go's JSON encoder writes them (keys sorted), durations in
 * milliseconds, numbers as Go's shortest decimal text. Durations written as expressions show
 * 0, as upstream shows them before query preparation.
 */
export function parseQueryJson(e: Expr): AstJson {
  switch (e.kind) {
    case 'AggregateExpr':
      return {
        expr: parseQueryJson(e.expr),
        grouping: [...e.grouping],
        op: e.op,
        param: e.param === undefined ? null : parseQueryJson(e.param),
        type: 'aggregation',
        without: e.without,
      };
    case 'BinaryExpr': {
      const m = e.matching;
      return {
        bool: e.returnBool,
        lhs: parseQueryJson(e.lhs),
        matching: m
          ? {
              card: m.card,
              fillValues: { lhs: jsonNumber(m.fill.lhs), rhs: jsonNumber(m.fill.rhs) },
              include: [...m.include],
              labels: [...m.labels],
              on: m.on,
            }
          : null,
        op: e.op,
        rhs: parseQueryJson(e.rhs),
        type: 'binaryExpr',
      };
    }
    case 'Call':
      return {
        args: e.args.map(parseQueryJson),
        func: {
          argTypes: [...e.func.argTypes],
          name: e.func.name,
          returnType: e.func.returnType,
          variadic: e.func.variadic,
        },
        type: 'call',
      };
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return {
        anchored: vs.anchored,
        matchers: matchersJson(vs.matchers),
        name: vs.name ?? '',
        offset: vs.offsetExpr ? 0 : vs.offsetMs,
        range: e.rangeExpr ? 0 : e.rangeMs,
        smoothed: vs.smoothed,
        startOrEnd: startOrEnd(vs.at),
        timestamp: timestamp(vs.at),
        type: 'matrixSelector',
      };
    }
    case 'SubqueryExpr':
      return {
        expr: parseQueryJson(e.expr),
        offset: e.offsetExpr ? 0 : e.offsetMs,
        range: e.rangeExpr ? 0 : e.rangeMs,
        startOrEnd: startOrEnd(e.at),
        step: e.stepExpr ? 0 : e.stepMs,
        timestamp: timestamp(e.at),
        type: 'subquery',
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatFloatPlain(e.value) };
    case 'ParenExpr':
      return { expr: parseQueryJson(e.expr), type: 'parenExpr' };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'UnaryExpr':
      return { expr: parseQueryJson(e.expr), op: e.op, type: 'unaryExpr' };
    case 'VectorSelector':
      return {
        anchored: e.anchored,
        matchers: matchersJson(e.matchers),
        name: e.name ?? '',
        offset: e.offsetExpr ? 0 : e.offsetMs,
        smoothed: e.smoothed,
        startOrEnd: startOrEnd(e.at),
        timestamp: timestamp(e.at),
        type: 'vectorSelector',
      };
  }
}

function matchersJson(ms: readonly Matcher[]): AstJson {
  return ms.map((m) => ({ name: m.name, type: m.type, value: m.value }));
}

function jsonNumber(v: number | undefined): AstJson {
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function startOrEnd(at: AtModifier): AstJson {
  return at === 'start' || at === 'end' ? at : null;
}

function timestamp(at: AtModifier): AstJson {
  return typeof at === 'number' ? at : null;
}
