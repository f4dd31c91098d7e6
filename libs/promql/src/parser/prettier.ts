import type { BinaryExpr, Expr } from './ast.ts';
import { aggregateOpString, binaryOpString, exprToString, subquerySuffix } from './printer.ts';

/** Lines longer than this are split, as in Prometheus's prettifier. */
const MAX_CHARACTERS_PER_LINE = 100;
const INDENT = '  ';

/**
 * Prometheus's `Pretty()` (the `/api/v1/format_query` output): a node whose one-line form
 * exceeds `maxLineLength` (100, as upstream) characters is split, its children indented two
 * spaces per level; anything that fits stays as `exprToString` prints it.
 */
export function prettify(e: Expr, maxLineLength = MAX_CHARACTERS_PER_LINE): string {
  return new Prettifier(maxLineLength).pretty(e, 0);
}

function indent(level: number): string {
  return INDENT.repeat(level);
}

class Prettifier {
  /** One-line printed length of each node, computed once per call. */
  readonly #lengths = new Map<Expr, number>();

  constructor(readonly maxLineLength: number) {}

  #length(e: Expr): number {
    const known = this.#lengths.get(e);
    if (known !== undefined) return known;
    let n: number;
    switch (e.kind) {
      case 'BinaryExpr': {
        const spine: BinaryExpr[] = [];
        let cur: Expr = e;
        while (cur.kind === 'BinaryExpr' && !this.#lengths.has(cur)) {
          spine.push(cur);
          cur = cur.lhs;
        }
        n = this.#length(cur);
        for (let i = spine.length - 1; i >= 0; i--) {
          const b = spine[i]!;
          n += binaryOpString(b).length + 2 + this.#length(b.rhs);
          this.#lengths.set(b, n);
        }
        return n;
      }
      case 'ParenExpr':
        n = this.#length(e.expr) + 2;
        break;
      case 'UnaryExpr':
        n = this.#length(e.expr) + 1;
        break;
      case 'AggregateExpr':
        n =
          aggregateOpString(e).length +
          2 +
          this.#length(e.expr) +
          (e.param !== undefined ? this.#length(e.param) + 2 : 0);
        break;
      case 'Call':
        n =
          e.func.name.length +
          2 +
          e.args.reduce((sum, a) => sum + this.#length(a), 0) +
          Math.max(0, e.args.length - 1) * 2;
        break;
      case 'SubqueryExpr':
        n = this.#length(e.expr) + subquerySuffix(e).length;
        break;
      default:
        n = exprToString(e).length;
    }
    this.#lengths.set(e, n);
    return n;
  }

  #needsSplit(e: Expr): boolean {
    return this.#length(e) > this.maxLineLength;
  }

  pretty(e: Expr, level: number): string {
    switch (e.kind) {
      case 'AggregateExpr': {
        if (!this.#needsSplit(e)) return indent(level) + exprToString(e);
        let s = `${indent(level)}${aggregateOpString(e)}(\n`;
        if (e.param !== undefined) s += `${this.pretty(e.param, level + 1)},\n`;
        return `${s}${this.pretty(e.expr, level + 1)}\n${indent(level)})`;
      }
      case 'BinaryExpr':
        return this.#prettyBinary(e, level);
      case 'Call': {
        if (!this.#needsSplit(e)) return indent(level) + exprToString(e);
        const args = e.args.map((a) => this.pretty(a, level + 1)).join(',\n');
        return `${indent(level)}${e.func.name}(\n${args}\n${indent(level)})`;
      }
      case 'ParenExpr': {
        if (!this.#needsSplit(e)) return indent(level) + exprToString(e);
        return `${indent(level)}(\n${this.pretty(e.expr, level + 1)}\n${indent(level)})`;
      }
      case 'SubqueryExpr':
        // Upstream prints an unsplit subquery without indentation; kept for identical output.
        if (!this.#needsSplit(e)) return exprToString(e);
        return this.pretty(e.expr, level) + subquerySuffix(e);
      case 'UnaryExpr':
        return indent(level) + e.op + this.pretty(e.expr, level).trim();
      default:
        return indent(level) + exprToString(e);
    }
  }

  /** A split binary operation puts the operator on its own line between its indented operands. */
  #prettyBinary(top: BinaryExpr, level: number): string {
    const spine: BinaryExpr[] = [];
    let cur: Expr = top;
    while (cur.kind === 'BinaryExpr' && this.#needsSplit(cur)) {
      spine.push(cur);
      cur = cur.lhs;
    }
    const depth = level + spine.length;
    let s = cur.kind === 'BinaryExpr' ? indent(depth) + exprToString(cur) : this.pretty(cur, depth);
    for (let i = spine.length - 1; i >= 0; i--) {
      const b = spine[i]!;
      s += `\n${indent(level + i)}${binaryOpString(b)}\n${this.pretty(b.rhs, level + i + 1)}`;
    }
    return s;
  }
}
