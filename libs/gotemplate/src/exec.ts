import type {
  ArgNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  RangeNode,
  TemplateNode,
  VariableNode,
} from './ast.ts';
import { nodeString } from './ast.ts';
import { TemplateExecError } from './errors.ts';
import { formatV, goQuote } from './fmt.ts';
import type { FuncSpec, ParamType } from './func-spec.ts';
import { toGoTime } from './go-time.ts';
import type { Tree } from './parser.ts';
import {
  GoFloat,
  NO_VALUE,
  isPlainObject,
  isTrue,
  kindOf,
  methodOf,
  sortedEntries,
  toNumber,
  typeName,
} from './value.ts';

/** What a missing map key evaluates to (Go's `missingkey=` option). */
export type MissingKey = 'invalid' | 'zero' | 'error';

/** Property giving the zero value of a map type's elements (`""` for `map[string]string`). */
export const GO_ELEM_ZERO: unique symbol = Symbol.for('argus.gotemplate.elemZero');

/** Receives template text and action values; decides how values are printed (text or HTML). */
export interface OutputSink {
  text(s: string): void;
  /**
   * Prints the result of an action; returns an error message when the value cannot be
   * printed. `escaper` names the predefined escaper (`html`, `urlquery`) the pipeline
   * ended with, which html/template lets stand in for its own equivalent escaper.
   */
  value(v: unknown, escaper?: string): string | undefined;
  result(): string;
}

/** Everything execution needs from the template set. */
export interface ExecContext {
  readonly trees: ReadonlyMap<string, Tree>;
  readonly funcs: ReadonlyMap<string, FuncSpec>;
  /** Go's predefined functions; a name counts as builtin only while not overridden. */
  readonly builtins: ReadonlyMap<string, FuncSpec>;
  readonly missingKey: MissingKey;
  readonly sink: OutputSink;
}

/** Deepest nesting of `{{template}}` calls before execution fails (Go allows 100000; our stack is smaller). */
export const MAX_EXEC_DEPTH = 500;

const NONE: unique symbol = Symbol('gotemplate.noFinal');
type Final = unknown;

const enum Control {
  Normal,
  Break,
  Continue,
}

interface Variable {
  name: string;
  value: unknown;
}

const paramTypeNames: Record<ParamType, string> = {
  any: 'interface {}',
  value: 'reflect.Value',
  string: 'string',
  int: 'int',
  float64: 'float64',
  bool: 'bool',
  '[]string': '[]string',
  'time.Time': 'time.Time',
};

/** Runs `tree` with `data` as dot; throws {@link TemplateExecError} with Go's message. */
export function execute(ctx: ExecContext, tree: Tree, data: unknown): string {
  const dot = data === null || data === undefined ? NO_VALUE : data;
  const state = new State(ctx, tree, [{ name: '$', value: dot }], 0);
  state.walk(dot, tree.root);
  return ctx.sink.result();
}

class State {
  node: Node | null = null;

  constructor(
    readonly ctx: ExecContext,
    readonly tree: Tree,
    readonly vars: Variable[],
    readonly depth: number,
  ) {}

  at(node: Node): void {
    this.node = node;
  }

  errorf(message: string, cause?: unknown): never {
    const name = this.tree.name;
    if (!this.node) throw new TemplateExecError(`template: ${name}: ${message}`, { cause });
    const text = this.tree.text.slice(0, this.node.pos);
    const nl = text.lastIndexOf('\n');
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    const col = Buffer.byteLength(text.slice(nl + 1), 'utf8');
    const context = nodeString(this.node);
    throw new TemplateExecError(
      `template: ${this.tree.parseName}:${line}:${col}: executing ${goQuote(name)} at <${context}>: ${message}`,
      { cause },
    );
  }

  // Variables.
  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
  }

  push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }

  setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: unknown): void {
    this.vars[this.vars.length - n]!.value = value;
  }

  varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    this.errorf(`undefined variable: ${name}`);
  }

  // Walking.
  walk(dot: unknown, node: Node): Control {
    this.at(node);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          const err = this.ctx.sink.value(val, this.predefinedEscaper(node.pipe));
          if (err) this.errorf(err);
        }
        return Control.Normal;
      }
      case 'break':
        return Control.Break;
      case 'continue':
        return Control.Continue;
      case 'comment':
        return Control.Normal;
      case 'if':
      case 'with':
        return this.walkIfOrWith(node.kind, dot, node.pipe, node.list, node.elseList);
      case 'list':
        for (const n of node.nodes) {
          const c = this.walk(dot, n);
          if (c !== Control.Normal) return c;
        }
        return Control.Normal;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.ctx.sink.text(node.text);
        return Control.Normal;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  predefinedEscaper(pipe: PipeNode): string | undefined {
    const first = pipe.cmds[pipe.cmds.length - 1]?.args[0];
    if (first?.kind !== 'identifier' || (first.ident !== 'html' && first.ident !== 'urlquery'))
      return undefined;
    return this.ctx.funcs.get(first.ident) === this.ctx.builtins.get(first.ident) ? first.ident : undefined;
  }

  walkIfOrWith(
    kind: 'if' | 'with',
    dot: unknown,
    pipe: PipeNode,
    list: ListNode,
    elseList: ListNode | null,
  ): Control {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, pipe);
      if (isTrue(val)) return this.walk(kind === 'with' ? val : dot, list);
      if (elseList) return this.walk(dot, elseList);
      return Control.Normal;
    } finally {
      this.pop(mark);
    }
  }

  walkRange(dot: unknown, r: RangeNode): Control {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      // Returns true when the loop must stop ({{break}}).
      const oneIteration = (index: unknown, elem: unknown): boolean => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        try {
          return this.walk(elem, r.list) === Control.Break;
        } finally {
          this.pop(mark);
        }
      };
      const kind = kindOf(val);
      let ran = false;
      if (kind === 'slice') {
        const arr = val as unknown[];
        for (let i = 0; i < arr.length; i++) {
          ran = true;
          if (oneIteration(i, elemValue(arr[i]))) break;
        }
      } else if (kind === 'map') {
        for (const [k, v] of sortedEntries(val as object)) {
          ran = true;
          if (oneIteration(k, elemValue(v))) break;
        }
      } else if (kind === 'int') {
        if (decl.length > 1) this.errorf(`can't use ${formatV(val)} to iterate over more than one variable`);
        const n = toNumber(val);
        for (let i = 0; i < n; i++) {
          ran = true;
          if (oneIteration(i, i)) break;
        }
      } else if (kind !== 'invalid' && kind !== 'nil') {
        this.errorf(`range can't iterate over ${formatV(val)}`);
      }
      if (!ran && r.elseList) return this.walk(dot, r.elseList);
      return Control.Normal;
    } finally {
      this.pop(outer);
    }
  }

  walkTemplate(dot: unknown, t: TemplateNode): Control {
    this.at(t);
    const tree = this.ctx.trees.get(t.name);
    if (!tree) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : NO_VALUE;
    const state = new State(this.ctx, tree, [{ name: '$', value: newDot }], this.depth + 1);
    state.walk(newDot, tree.root);
    return Control.Normal;
  }

  // Evaluation.
  evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = NONE;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface dug out of an interface{} is Go's invalid value.
      if (value === null || value === undefined) value = NO_VALUE;
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.push(v.ident[0]!, value);
    }
    return value;
  }

  notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== NONE)
      this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (errorf never returns)
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  idealConstant(n: NumberNode): unknown {
    this.at(n);
    if (n.isComplex) this.errorf(`complex constant ${n.text} is not supported`);
    const isHexInt = /^[-+]?0[xX]/.test(n.text) && !/[pP]/.test(n.text);
    const isRune = n.text.startsWith("'");
    if (n.isFloat && !isHexInt && !isRune && /[.eEpP]/.test(n.text)) {
      return Number.isInteger(n.floatValue) ? new GoFloat(n.floatValue) : n.floatValue;
    }
    if (n.isInt) return n.intValue;
    this.errorf(`${n.text} overflows int`);
  }

  evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariableNode(dot: unknown, v: VariableNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args.length ? args : [v], final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: readonly string[],
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, [], NONE, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  evalField(
    dot: unknown,
    name: string,
    node: Node,
    args: readonly ArgNode[],
    final: Final,
    receiver: unknown,
  ): unknown {
    if (receiver === NO_VALUE) {
      if (this.ctx.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(name)}`);
      return NO_VALUE;
    }
    if (receiver === null || receiver === undefined)
      this.errorf(`nil pointer evaluating interface {}.${name}`);
    const method = methodOf(receiver, name);
    if (method) {
      const spec: FuncSpec = { fn: method, params: Array<ParamType>(method.length).fill('any') };
      return this.evalCall(dot, spec, false, node, name, args, final);
    }
    const hasArgs = args.length > 1 || final !== NONE;
    const kind = kindOf(receiver);
    if (kind === 'struct' && hasField(receiver as object, name)) {
      if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
      const v = (receiver as Record<string, unknown>)[name];
      return v === undefined ? null : v;
    }
    if (kind === 'map') {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      const found = mapGet(receiver as object, name);
      if (found !== NO_VALUE) return found;
      switch (this.ctx.missingKey) {
        case 'invalid':
          return NO_VALUE;
        case 'zero':
          return elemZero(receiver as object);
        case 'error':
          this.errorf(`map has no entry for key ${goQuote(name)}`);
      }
    }
    this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  evalFunction(
    dot: unknown,
    node: IdentifierNode,
    cmd: Node,
    args: readonly ArgNode[] | null,
    final: Final,
  ): unknown {
    this.at(node);
    const spec = this.ctx.funcs.get(node.ident);
    if (!spec) this.errorf(`${goQuote(node.ident)} is not a defined function`);
    return this.evalCall(
      dot,
      spec,
      this.ctx.builtins.get(node.ident) === spec,
      cmd,
      node.ident,
      args ?? [node],
      final,
    );
  }

  evalCall(
    dot: unknown,
    spec: FuncSpec,
    isBuiltin: boolean,
    node: Node,
    name: string,
    allArgs: readonly ArgNode[],
    final: Final,
  ): unknown {
    const args = allArgs.slice(1);
    const numIn = args.length + (final !== NONE ? 1 : 0);
    const params = spec.params;
    if (params) {
      if (spec.variadic) {
        if (numIn < params.length) {
          this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${args.length}`);
        }
      } else if (numIn !== params.length) {
        this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`);
      }
    }
    if (spec.lazy) {
      // and/or: evaluate left to right, stop at the deciding value.
      let v: unknown = NO_VALUE;
      for (const arg of args) {
        v = this.evalArg(dot, 'value', arg);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== NONE) v = final;
      return v;
    }
    const paramAt = (i: number): ParamType =>
      params ? (i < params.length ? params[i]! : (spec.variadic ?? 'any')) : 'any';
    const argv: unknown[] = args.map((a, i) => this.evalArg(dot, paramAt(i), a));
    if (final !== NONE) argv.push(this.validateType(final, paramAt(numIn - 1)));
    if (isBuiltin && name === 'call') {
      argv.unshift(args.length === 0 ? String(final) : nodeString(args[0]!));
    }
    let result: unknown;
    try {
      result = (spec.fn as (...a: unknown[]) => unknown)(...argv);
    } catch (e) {
      if (e instanceof TemplateExecError) throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`, e);
    }
    return result === undefined ? null : result;
  }

  evalArg(dot: unknown, type: ParamType | null, n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (type === null || type === 'any' || type === 'value' || type === '[]string')
          return type === 'value' ? NO_VALUE : null;
        this.errorf(`cannot assign nil to ${paramTypeNames[type]}`);
      // falls through (errorf never returns)
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], NONE), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], NONE), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), type);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, NONE), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], NONE), type);
    }
    switch (type) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through
      case 'int':
        if (n.kind === 'number' && n.isInt) return n.intValue;
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.floatValue;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through
      case 'string':
        if (n.kind === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through
      case null:
      case 'any':
      case 'value':
        if (n.kind === 'bool') return n.value;
        if (n.kind === 'number') return this.idealConstant(n);
        return n.text;
      default:
        this.errorf(`can't handle ${nodeString(n)} for arg of type ${paramTypeNames[type]}`);
    }
  }

  validateType(value: unknown, type: ParamType | null): unknown {
    if (value === NO_VALUE) {
      if (type === null || type === 'value') return NO_VALUE;
      if (type === 'any' || type === '[]string') return null;
      this.errorf(`invalid value; expected ${paramTypeNames[type]}`);
    }
    if (type === null || type === 'any' || type === 'value') return value;
    const kind = kindOf(value);
    const wrong = (): never =>
      this.errorf(
        `wrong type for value; expected ${paramTypeNames[type]}; got ${value === null || value === undefined ? 'interface {}' : typeName(value)}`,
      );
    switch (type) {
      case 'string':
        return typeof value === 'string' ? value : wrong();
      case 'int':
        return kind === 'int' ? toNumber(value) : wrong();
      case 'float64':
        return kind === 'float' ? toNumber(value) : wrong();
      case 'bool':
        return kind === 'bool' ? value : wrong();
      case '[]string':
        if (value === null) return null;
        return Array.isArray(value) && value.every((x) => typeof x === 'string') ? value : wrong();
      case 'time.Time':
        return toGoTime(value) ?? wrong();
    }
  }
}

function elemValue(v: unknown): unknown {
  return v === undefined ? null : v;
}

function hasField(obj: object, name: string): boolean {
  if (Object.hasOwn(obj, name)) return typeof (obj as Record<string, unknown>)[name] !== 'function';
  let proto = Object.getPrototypeOf(obj) as object | null;
  while (proto && proto !== Object.prototype) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d) return d.get !== undefined;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

/** A map kind's value for a key, or NO_VALUE when absent. */
export function mapGet(m: object, key: unknown): unknown {
  if (m instanceof Map) {
    if (!m.has(key)) return NO_VALUE;
    const v: unknown = m.get(key);
    return v === undefined ? null : v;
  }
  if (typeof key !== 'string' || !Object.hasOwn(m, key)) return NO_VALUE;
  const v = (m as Record<string, unknown>)[key];
  return v === undefined ? null : v;
}

/** Zero value of a map's element type: the {@link GO_ELEM_ZERO} property, else a nil interface. */
export function elemZero(m: object): unknown {
  if (isPlainObject(m)) return null;
  const z = (m as { [GO_ELEM_ZERO]?: unknown })[GO_ELEM_ZERO];
  return z === undefined ? null : z;
}
