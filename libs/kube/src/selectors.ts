/**
 * Label and field selectors as the API server's `labelSelector` / `fieldSelector`
 * query parameters spell them. Parsing errors are 400s naming the selector text.
 */
import { badRequest } from './status.ts';

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type LabelSelector = LabelRequirement[];

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,i>1`; an empty string selects everything. */
export function parseLabelSelector(text: string): LabelSelector {
  const out: LabelSelector = [];
  for (const part of splitTopLevel(text)) {
    const s = part.trim();
    if (s === '') continue;
    out.push(parseRequirement(s, text));
  }
  return out;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

const setRe = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/;
const cmpRe = /^([^\s!=<>(),]+)\s*(==|=|!=|>|<)\s*([^\s!=<>(),]*)$/;
const keyRe = /^(!?)\s*([^\s!=<>(),]+)$/;

function parseRequirement(s: string, whole: string): LabelRequirement {
  let m = setRe.exec(s);
  if (m) {
    const values = m[3]
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: m[1], op: m[2] as 'in' | 'notin', values };
  }
  m = cmpRe.exec(s);
  if (m) {
    const [, key, op, value] = m;
    if (op === '>' || op === '<') {
      const n = Number(value);
      if (!Number.isInteger(n))
        throw badRequest(
          `unable to parse requirement: ${s}: for 'Gt', 'Lt' operators, the value must be an integer (in labelSelector "${whole}")`,
        );
      return { key, op: op === '>' ? 'gt' : 'lt', value: n };
    }
    return op === '!=' ? { key, op: 'notin', values: [value] } : { key, op: 'in', values: [value] };
  }
  m = keyRe.exec(s);
  if (m) return { key: m[2], op: m[1] === '!' ? 'notexists' : 'exists' };
  throw badRequest(`unable to parse requirement: "${s}" in labelSelector "${whole}"`);
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'gt':
      case 'lt': {
        if (!has) return false;
        const n = Number(l[r.key]);
        if (!Number.isInteger(n)) return false;
        return r.op === 'gt' ? n > r.value : n < r.value;
      }
    }
  });
}

export interface FieldRequirement {
  /** A dotted path into the object, e.g. `metadata.name`, `spec.nodeName`. */
  field: string;
  op: '=' | '!=';
  value: string;
}

export type FieldSelector = FieldRequirement[];

/** Parses `metadata.name=x,spec.nodeName!=y`; `\,`, `\=` and `\\` escape inside values. */
export function parseFieldSelector(text: string): FieldSelector {
  const out: FieldSelector = [];
  for (const term of splitEscaped(text, ',')) {
    if (term.trim() === '') continue;
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/s.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    out.push({ field: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) });
  }
  return out;
}

function splitEscaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** A field's value as the selector compares it: missing fields read as ''; non-strings as JSON text. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

export function matchesFields(selector: FieldSelector, obj: unknown): boolean {
  return selector.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}
