import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './ast.ts';
import { nodeString } from './ast.ts';
import { TemplateParseError } from './errors.ts';
import { goUnquote, isGoUint64, parseGoFloat, parseGoInt } from './go-literals.ts';
import { itemString, lex } from './lexer.ts';
import type { Item, ItemType } from './lexer.ts';

/** One parsed template: `parseName` is the name of the top-level template whose text holds it. */
export interface Tree {
  readonly name: string;
  readonly parseName: string;
  readonly root: ListNode;
  /** The full text the tree was parsed from, for error positions. */
  readonly text: string;
}

export interface ParseOptions {
  readonly leftDelim?: string;
  readonly rightDelim?: string;
  /** Whether a function name is known; unknown names are a parse error as in Go. */
  readonly hasFunction: (name: string) => boolean;
  /** Keep an unknown function as an identifier instead of failing (Go's `SkipFuncCheck`). */
  readonly skipFuncCheck?: boolean;
}

type EndNode = { kind: 'end'; pos: number; line: number };
type ElseNode = { kind: 'else'; pos: number; line: number };
type ControlEnd = EndNode | ElseNode;

/** Whether a tree consists only of whitespace text and comments (Go's `IsEmptyTree`). */
export function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === 'comment' || (n.kind === 'text' && n.text.trim() === ''));
}

/**
 * Parses `text` as Go's `template.Parse` does: returns the tree named `name` plus one
 * tree per `{{define}}`/`{{block}}`, keyed by name. Throws {@link TemplateParseError}
 * with Go's message, e.g. `template: name:1: function "foo" not defined`.
 */
export function parse(name: string, text: string, options: ParseOptions): Map<string, Tree> {
  const trees = new Map<string, Tree>();
  new Parser(name, text, options, trees).parseTop();
  return trees;
}

class Parser {
  readonly items: Item[];
  index = 0;
  vars: string[] = ['$'];
  rangeDepth = 0;
  actionLine = 0;
  /** Name of the tree being built (the top level or a define). */
  treeName: string;

  constructor(
    readonly parseName: string,
    readonly text: string,
    readonly options: ParseOptions,
    readonly trees: Map<string, Tree>,
  ) {
    this.items = lex(text, options.leftDelim, options.rightDelim);
    this.treeName = parseName;
  }

  errorf(line: number, message: string): never {
    throw new TemplateParseError(`template: ${this.parseName}:${line}: ${message}`);
  }

  /** Error at the line of the most recently read token. */
  fail(message: string): never {
    const it = this.items[Math.max(0, Math.min(this.index - 1, this.items.length - 1))]!;
    this.errorf(it.line, message);
  }

  next(): Item {
    const it = this.items[this.index]!;
    if (this.index < this.items.length - 1) this.index++;
    else this.index = this.items.length;
    return it;
  }

  backup(): void {
    this.index--;
  }

  peek(): Item {
    return this.items[Math.min(this.index, this.items.length - 1)]!;
  }

  nextNonSpace(): Item {
    let it: Item;
    do it = this.next();
    while (it.type === 'space');
    return it;
  }

  peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }

  expect(type: ItemType, context: string): Item {
    const it = this.nextNonSpace();
    if (it.type !== type) this.unexpected(it, context);
    return it;
  }

  unexpected(item: Item, context: string): never {
    if (item.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== item.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (item.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(item.line, `${item.val}${extra}`);
    }
    this.errorf(item.line, `unexpected ${itemString(item)} in ${context}`);
  }

  addTree(name: string, root: ListNode, line: number): void {
    const existing = this.trees.get(name);
    if (existing && !isEmptyTree(existing.root)) {
      if (isEmptyTree(root)) return;
      this.errorf(line, `template: multiple definition of template "${name}"`);
    }
    this.trees.set(name, { name, parseName: this.parseName, root, text: this.text });
  }

  parseTop(): void {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition(delim.line);
          continue;
        }
        this.backup();
        // Rewind to the delimiter so textOrAction sees it.
        while (this.items[this.index] !== delim) this.backup();
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else')
        this.errorf(n.line, `unexpected ${n.kind === 'end' ? '{{end}}' : '{{else}}'}`);
      root.nodes.push(n);
    }
    this.addTree(this.parseName, root, 1);
  }

  parseDefinition(line: number): void {
    const context = 'define clause';
    const nameItem = this.nextNonSpace();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.unexpected(nameItem, context);
    const name = this.unquote(nameItem);
    this.expect('rightDelim', context);
    const savedVars = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(end.line, `unexpected {{else}} in ${context}`);
    this.vars = savedVars;
    this.addTree(name, list, line);
  }

  unquote(item: Item): string {
    try {
      return goUnquote(item.val);
    } catch (e) {
      this.errorf(item.line, (e as Error).message);
    }
  }

  /** Parses nodes until `{{end}}` or `{{else}}`, which it returns. */
  itemList(): [ListNode, ControlEnd] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  textOrAction(): Node | ControlEnd {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'text':
        return { kind: 'text', pos: token.pos, text: token.val };
      case 'leftDelim': {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case 'comment':
        return { kind: 'comment', pos: token.pos, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  action(): Node | ControlEnd {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'block':
        return this.blockControl(token);
      case 'break':
        return this.breakControl(token, 'break');
      case 'continue':
        return this.breakControl(token, 'continue');
      case 'else':
        return this.elseControl(token);
      case 'end':
        this.expect('rightDelim', 'end');
        return { kind: 'end', pos: token.pos, line: token.line };
      case 'if':
        return this.parseControl('if', token);
      case 'range':
        return this.parseControl('range', token);
      case 'template':
        return this.templateControl(token);
      case 'with':
        return this.parseControl('with', token);
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'action', pos: token.pos, line: token.line, pipe };
  }

  breakControl(token: Item, kind: 'break' | 'continue'): Node {
    const t = this.nextNonSpace();
    if (t.type !== 'rightDelim') this.unexpected(t, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(token.line, `{{${kind}}} outside {{range}}`);
    return { kind, pos: token.pos, line: token.line };
  }

  elseControl(token: Item): ElseNode {
    const peek = this.peekNonSpace();
    if (peek.type === 'if' || peek.type === 'with') {
      // "{{else if ...}}" / "{{else with ...}}": the chained control parses the rest.
      return { kind: 'else', pos: peek.pos, line: peek.line };
    }
    const t = this.nextNonSpace();
    if (t.type !== 'rightDelim') this.unexpected(t, 'else');
    return { kind: 'else', pos: token.pos, line: token.line };
  }

  parseControl<K extends 'if' | 'range' | 'with'>(kind: K, token: Item): BranchNode<K> {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(kind, 'rightDelim');
      if (kind === 'range') this.rangeDepth++;
      const [list, first] = this.itemList();
      let next = first;
      if (kind === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.kind === 'else') {
        const peek = this.peek();
        if ((kind === 'if' && peek.type === 'if') || (kind === 'with' && peek.type === 'with')) {
          const chained = this.next();
          elseList = { kind: 'list', pos: next.pos, nodes: [this.parseControl(kind, chained) as Node] };
        } else {
          [elseList, next] = this.itemList();
          if (next.kind !== 'end') this.errorf(next.line, 'expected end; found {{else}}');
        }
      }
      return { kind, pos: pipe.pos, line: token.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  blockControl(token: Item): TemplateNode {
    const context = 'block clause';
    const nameItem = this.nextNonSpace();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.unexpected(nameItem, context);
    const name = this.unquote(nameItem);
    const pipe = this.pipeline(context, 'rightDelim');
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(end.line, `unexpected {{else}} in ${context}`);
    this.vars = savedVars;
    this.rangeDepth = savedDepth;
    this.addTree(name, list, token.line);
    return { kind: 'template', pos: nameItem.pos, line: nameItem.line, name, pipe };
  }

  templateControl(token: Item): TemplateNode {
    const context = 'template clause';
    const nameItem = this.nextNonSpace();
    if (nameItem.type !== 'string' && nameItem.type !== 'rawString') this.unexpected(nameItem, context);
    const name = this.unquote(nameItem);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    void token;
    return { kind: 'template', pos: nameItem.pos, line: nameItem.line, name, pipe };
  }

  pipeline(context: string, end: ItemType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: 'pipe',
      pos: first.pos,
      line: first.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    // Variable declarations: "$x :=", "$x =", "$i, $v :=" (range only).
    decls: while (true) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const vIndex = this.index;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        break;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      this.index = vIndex;
      break;
    }
    while (true) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context, token);
        return pipe;
      }
      switch (token.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string, token: Item): void {
    if (pipe.cmds.length === 0) this.errorf(token.line, `missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string') {
        this.errorf(token.line, `non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    while (true) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') this.backup();
      else if (token.type !== 'pipe') this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  operand(): ArgNode | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().type !== 'field') return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      // falls through (fail never returns)
      default:
        return { kind: 'chain', pos, node, field: fields };
    }
  }

  term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.type) {
      case 'identifier':
        if (!this.options.skipFuncCheck && !this.options.hasFunction(token.val)) {
          this.errorf(token.line, `function "${token.val}" not defined`);
        }
        return { kind: 'identifier', pos: token.pos, ident: token.val };
      case 'dot':
        return { kind: 'dot', pos: token.pos };
      case 'nil':
        return { kind: 'nil', pos: token.pos };
      case 'variable':
        return this.useVar(token);
      case 'field':
        return { kind: 'field', pos: token.pos, ident: [token.val.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: token.pos, value: token.val === 'true' };
      case 'charConstant':
      case 'number':
        return this.newNumber(token);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: token.pos, quoted: token.val, text: this.unquote(token) };
    }
    this.backup();
    return null;
  }

  useVar(token: Item): VariableNode {
    const ident = token.val.split('.');
    if (!this.vars.includes(ident[0]!)) this.errorf(token.line, `undefined variable "${ident[0]}"`);
    return { kind: 'variable', pos: token.pos, ident };
  }

  newNumber(token: Item): NumberNode {
    const text = token.val;
    const base = { kind: 'number' as const, pos: token.pos, text, isComplex: false };
    if (token.type === 'charConstant') {
      const ch = this.unquote(token);
      const cp = ch.codePointAt(0)!;
      return { ...base, isInt: true, isFloat: true, intValue: cp, floatValue: cp };
    }
    if (text.endsWith('i')) {
      const f = parseGoFloat(text.slice(0, -1));
      if (f !== undefined) {
        if (f === 0) return { ...base, isInt: true, isFloat: true, intValue: 0, floatValue: 0 };
        return { ...base, isComplex: true, isInt: false, isFloat: false, intValue: 0, floatValue: f };
      }
    }
    const i = parseGoInt(text);
    if (i !== undefined) return { ...base, isInt: true, isFloat: true, intValue: i, floatValue: i };
    if (isGoUint64(text))
      return { ...base, isInt: false, isFloat: true, intValue: 0, floatValue: Number(BigInt(text)) };
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) this.errorf(token.line, `integer overflow: "${text}"`);
      const isInt = Number.isInteger(f) && Math.abs(f) < 2 ** 63;
      return { ...base, isInt, isFloat: true, intValue: isInt ? f : 0, floatValue: f };
    }
    this.errorf(token.line, `illegal number syntax: "${text}"`);
  }
}
