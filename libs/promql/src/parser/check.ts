import { METRIC_NAME_LABEL } from '@argus/model';
import type { BinaryExpr, Call, Expr, PositionRange, ValueType } from './ast.ts';
import { exprType } from './ast.ts';
import { goQuote } from './go-format.ts';
import type { RawParseError } from './parser.ts';

/** The type names upstream uses in messages. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

const COMPARISON = new Set(['==', '!=', '<', '<=', '>', '>=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const PARAM_SCALAR = new Set(['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio']);

/**
 * Upstream's `checkAST`: type-checks the tree, records every problem in `errors` in
 * upstream's order, and normalises what it checks (set operators become many-to-many,
 * `matching` is dropped unless both sides are instant vectors, `info()` selectors may
 * match the empty string).
 */
export function checkTypes(root: Expr, input: string, errors: RawParseError[]): void {
  const err = (pos: PositionRange, message: string): void => {
    errors.push({ pos, message });
  };

  const expectType = (node: Expr, want: ValueType, context: string): void => {
    const t = check(node);
    if (t !== want)
      err(node.pos, `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`);
  };

  const check = (node: Expr): ValueType => {
    switch (node.kind) {
      case 'NumberLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'AggregateExpr':
        expectType(node.expr, 'vector', 'aggregation expression');
        if (PARAM_SCALAR.has(node.op)) expectType(node.param!, 'scalar', 'aggregation parameter');
        if (node.op === 'count_values') expectType(node.param!, 'string', 'aggregation parameter');
        return 'vector';
      case 'BinaryExpr':
        return checkBinaryChain(node);
      case 'Call':
        checkCall(node);
        return node.func.returnType;
      case 'ParenExpr':
        return check(node.expr);
      case 'UnaryExpr': {
        const t = check(node.expr);
        if (t !== 'scalar' && t !== 'vector') {
          err(
            node.pos,
            `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(documentedType(t))}`,
          );
        }
        return t;
      }
      case 'SubqueryExpr': {
        const t = check(node.expr);
        if (t !== 'vector') err(node.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        return 'matrix';
      }
      case 'MatrixSelector':
        check(node.vectorSelector);
        return 'matrix';
      case 'VectorSelector':
        if (node.name !== undefined) {
          for (const m of node.matchers.slice(0, -1)) {
            if (m.name === METRIC_NAME_LABEL) {
              err(
                node.pos,
                `metric name must not be set twice: ${goQuote(node.name)} or ${goQuote(m.value)}`,
              );
            }
          }
        } else if (!node.bypassEmptyMatcherCheck && !node.matchers.some((m) => !m.matchesEmpty)) {
          err(node.pos, 'vector selector must contain at least one non-empty matcher');
        }
        return 'vector';
    }
  };

  /** Checks a left-deep chain of binary operations bottom-up without recursing along it. */
  const checkBinaryChain = (top: BinaryExpr): ValueType => {
    const spine: BinaryExpr[] = [];
    let cur: Expr = top;
    while (cur.kind === 'BinaryExpr') {
      spine.push(cur);
      cur = cur.lhs;
    }
    let lt = check(cur);
    for (let i = spine.length - 1; i >= 0; i--) {
      const n = spine[i]!;
      const rt = check(n.rhs);
      checkBinary(n, lt, rt);
      lt = lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    }
    return lt;
  };

  const checkBinary = (n: BinaryExpr, lt: ValueType, rt: ValueType): void => {
    const opRange = (): PositionRange => {
      let start = n.lhs.pos.end;
      while (start < input.length && isSpace(input.charCodeAt(start))) start++;
      let end = n.rhs.pos.start - 1;
      while (end > start && isSpace(input.charCodeAt(end))) end--;
      return { start, end };
    };
    const isComparison = COMPARISON.has(n.op);
    const isSet = SET_OPS.has(n.op);
    if (n.returnBool && !isComparison)
      err(opRange(), 'bool modifier can only be used on comparison operators');
    if (isComparison && !n.returnBool && lt === 'scalar' && rt === 'scalar') {
      err(opRange(), 'comparisons between scalars must use BOOL modifier');
    }
    const vm = n.matching;
    if (vm) {
      if (isSet && vm.card === 'one-to-one') vm.card = 'many-to-many';
      for (const l1 of vm.labels) {
        for (const l2 of vm.include) {
          if (l1 === l2 && vm.on)
            err(opRange(), `label ${goQuote(l1)} must not occur in ON and GROUP clause at once`);
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector')
      err(n.lhs.pos, 'binary expression must contain only scalar and instant vector types');
    if (rt !== 'scalar' && rt !== 'vector')
      err(n.rhs.pos, 'binary expression must contain only scalar and instant vector types');
    const hasFill = vm !== undefined && (vm.fill.lhs !== undefined || vm.fill.rhs !== undefined);
    if ((lt !== 'vector' || rt !== 'vector') && vm) {
      if (vm.labels.length > 0) err(n.pos, 'vector matching only allowed between instant vectors');
      if (hasFill) err(n.pos, 'filling in missing series only allowed between instant vectors');
      n.matching = undefined;
    } else if (isSet && vm) {
      if (vm.card === 'one-to-many' || vm.card === 'many-to-one')
        err(n.pos, `no grouping allowed for ${goQuote(n.op)} operation`);
      if (vm.card !== 'many-to-many') err(n.pos, 'set operations must always be many-to-many');
      if (hasFill) err(n.pos, 'filling in missing series not allowed for set operators');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSet) {
      err(n.pos, `set operator ${goQuote(n.op)} not allowed in binary scalar expression`);
    }
  };

  const checkCall = (n: Call): void => {
    const f = n.func;
    const nargs = f.argTypes.length;
    if (f.variadic === 0) {
      if (nargs !== n.args.length) {
        err(n.pos, `expected ${nargs} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
      }
    } else {
      const na = nargs - 1;
      if (na > n.args.length) {
        err(n.pos, `expected at least ${na} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`);
      } else if (f.variadic > 0 && na + f.variadic < n.args.length) {
        err(
          n.pos,
          `expected at most ${na + f.variadic} argument(s) in call to ${goQuote(f.name)}, got ${n.args.length}`,
        );
      }
    }
    if (f.name === 'info' && n.args.length > 1) {
      const second = n.args[1]!;
      const t = exprType(second);
      if (t !== 'vector') {
        err(
          n.pos,
          `expected type ${documentedType('vector')} in call to function ${goQuote(f.name)}, got ${documentedType(t)}`,
        );
      }
      if (second.kind === 'VectorSelector' && second.name !== undefined) {
        err(second.pos, 'expected label selectors only, got vector selector instead');
      } else if (second.kind === 'VectorSelector') {
        second.bypassEmptyMatcherCheck = true;
      } else {
        err(second.pos, 'expected label selectors only');
      }
    }
    for (let i = 0; i < n.args.length; i++) {
      let k = i;
      if (k >= nargs) {
        if (f.variadic === 0) break;
        k = nargs - 1;
      }
      const arg = n.args[i]!;
      const t = check(arg);
      if (k >= 0 && t !== f.argTypes[k]) {
        err(
          arg.pos,
          `expected type ${documentedType(f.argTypes[k]!)} in call to function ${goQuote(f.name)}, got ${documentedType(t)}`,
        );
      }
    }
  };

  check(root);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
