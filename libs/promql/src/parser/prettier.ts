import type { Expr } from './ast.ts';
import { aggregateOpString, binaryOpString, exprToString, subquerySuffix } from './printer.ts';

/** Lines longer than this are split, as in Prometheus's prettifier. */
const MAX_CHARACTERS_PER_LINE = 100;
const INDENT = '  ';

/**
 * Prometheus's `Pretty()` (the `/api/v1/format_query` output): a node whose one-line form
 * exceeds 100 characters is split, its children indented two spaces per level.
 */
export function prettify(e: Expr): string {
  return pretty(e, 0);
}

function indent(level: number): string {
  return INDENT.repeat(level);
}

function needsSplit(e: Expr): boolean {
  return exprToString(e).length > MAX_CHARACTERS_PER_LINE;
}

function pretty(e: Expr, level: number): string {
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      let s = `${indent(level)}${aggregateOpString(e)}(\n`;
      if (e.param !== undefined) s += `${pretty(e.param, level + 1)},\n`;
      return `${s}${pretty(e.expr, level + 1)}\n${indent(level)})`;
    }
    case 'BinaryExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${pretty(e.lhs, level + 1)}\n${indent(level)}${binaryOpString(e)}\n${pretty(e.rhs, level + 1)}`;
    }
    case 'Call': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      const args = e.args.map((a) => pretty(a, level + 1)).join(',\n');
      return `${indent(level)}${e.func.name}(\n${args}\n${indent(level)})`;
    }
    case 'ParenExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${indent(level)}(\n${pretty(e.expr, level + 1)}\n${indent(level)})`;
    }
    case 'SubqueryExpr':
      if (!needsSplit(e)) return exprToString(e);
      return pretty(e.expr, level) + subquerySuffix(e);
    case 'UnaryExpr':
      return indent(level) + e.op + pretty(e.expr, level).trim();
    default:
      return indent(level) + exprToString(e);
  }
}
