import type { OutputSink } from './exec.ts';
import { formatV } from './fmt.ts';
import { GoTypedString, NO_VALUE, kindOf } from './value.ts';

/** Content types of html/template's safe string types. */
type ContentType = 'plain' | 'html' | 'url' | 'js' | 'css' | 'attr';

const contentTypes: Record<string, ContentType> = {
  'template.HTML': 'html',
  'template.URL': 'url',
  'template.JS': 'js',
  'template.CSS': 'css',
  'template.HTMLAttr': 'attr',
};

type State =
  | 'text'
  | 'comment'
  | 'tag'
  | 'attrName'
  | 'afterName'
  | 'beforeValue'
  | 'attr'
  | 'rcdata'
  | 'script'
  | 'style';
type AttrType = 'plain' | 'url' | 'js' | 'css';
type UrlPart = 'none' | 'pre' | 'query';

const urlAttrs = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);

const tagRe = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/y;
const unquotedEndRe = /[\s>]/g;
const closeTagRes = new Map<string, RegExp>();

function closeTagRe(element: string): RegExp {
  let re = closeTagRes.get(element);
  if (!re) {
    re = new RegExp(`</${element}(?=[\\s/>])`, 'gi');
    closeTagRes.set(element, re);
  }
  return re;
}

const isSpaceCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** Go's failsafe output for a value refused in its context. */
const FAILSAFE = 'ZgotmplZ';

const htmlTable: Record<string, string> = {
  '\0': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};
const nospaceTable: Record<string, string> = {
  ...htmlTable,
  '\t': '&#9;',
  '\n': '&#10;',
  '\v': '&#11;',
  '\f': '&#12;',
  '\r': '&#13;',
  ' ': '&#32;',
  '=': '&#61;',
  '`': '&#96;',
};

function replaceWith(s: string, table: Record<string, string>, keepAmp: boolean): string {
  let out = '';
  for (const ch of s) {
    const r = table[ch];
    out += r === undefined || (keepAmp && ch === '&') ? ch : r;
  }
  return out;
}

function stripTags(s: string): string {
  return s.replace(/<[^>]*>?/g, '');
}

function urlProcess(s: string, norm: boolean): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c) || (norm && /[!#$&*+,/:;=?@[\]%]/.test(c))) out += c;
    else out += `%${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function isSafeUrl(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon < 0) return true;
  const protocol = s.slice(0, colon);
  if (protocol.includes('/')) return true;
  return ['http', 'https', 'mailto'].includes(protocol.toLowerCase());
}

function jsValue(v: unknown, s: string, type: ContentType): string {
  if (type === 'js') return s;
  const k = kindOf(v);
  let json: string;
  if (k === 'int' || k === 'float' || k === 'bool') json = s;
  else if (k === 'string' || k === 'struct') json = JSON.stringify(s);
  else json = JSON.stringify(v) ?? 'null';
  json = json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const identPart = (c: string | undefined): boolean => c !== undefined && /[\w$]/.test(c);
  const pad = identPart(json[0]) || identPart(json[json.length - 1]);
  return pad ? ` ${json} ` : json;
}

/**
 * Output of html/template: tracks where in the HTML document the template text has
 * led (text, tag, quoted or unquoted attribute, URL attribute and its part, script,
 * style, RCDATA, comment) and escapes each action's value for that place, as Go's
 * contextual autoescaper does. HTML comments in the template text are dropped, as in Go.
 * Values of the safe types (`template.HTML` from `safeHtml`, `template.URL` from
 * `safeUrl`) pass unescaped where their type fits.
 */
export class HtmlSink implements OutputSink {
  #out = '';
  #state: State = 'text';
  #element = '';
  #attrName = '';
  #attrType: AttrType = 'plain';
  #delim: '"' | "'" | ' ' = '"';
  #urlPart: UrlPart = 'none';

  result(): string {
    return this.#out;
  }

  value(v: unknown, escaper?: string): string | undefined {
    if (v === NO_VALUE || v === null || v === undefined) return undefined;
    const type: ContentType = v instanceof GoTypedString ? (contentTypes[v.typeName] ?? 'plain') : 'plain';
    const s = v instanceof GoTypedString ? v.value : formatV(v);
    this.#out += this.#escape(v, s, type, escaper);
    return undefined;
  }

  #escape(v: unknown, s: string, type: ContentType, escaper?: string): string {
    // A pipeline ending in `html` or `urlquery` has done the equivalent escaping itself.
    const htmlDone = escaper === 'html';
    const urlDone = escaper === 'urlquery';
    if (this.#state === 'beforeValue') {
      // An action right after `name=` starts an unquoted attribute value.
      this.#state = 'attr';
      this.#delim = ' ';
      this.#urlPart = 'none';
    }
    switch (this.#state as State) {
      case 'text':
        return type === 'html' || htmlDone ? s : replaceWith(s, htmlTable, false);
      case 'rcdata':
        if (htmlDone) return s;
        return replaceWith(s, htmlTable, type === 'html');
      case 'comment':
        return '';
      case 'script':
        return jsValue(v, s, type);
      case 'style':
        return type === 'css' ? s : cssValueFilter(s);
      case 'tag':
      case 'attrName':
      case 'afterName':
      case 'beforeValue':
        return /^[a-zA-Z][\w-]*$/.test(s) && !/^on/i.test(s) ? s : FAILSAFE;
      case 'attr': {
        let out: string;
        if (this.#attrType === 'url') {
          if (this.#urlPart === 'none' && type !== 'url' && !isSafeUrl(s)) out = `#${FAILSAFE}`;
          else if (urlDone) out = s;
          else out = urlProcess(s, this.#urlPart !== 'query' || type === 'url');
        } else if (this.#attrType === 'js') out = jsValue(v, s, type);
        else if (this.#attrType === 'css') out = type === 'css' ? s : cssValueFilter(s);
        else out = s;
        const html = type === 'html' && this.#attrType === 'plain';
        if (htmlDone) return out;
        if (this.#delim === ' ') return replaceWith(html ? stripTags(out) : out, nospaceTable, html);
        return replaceWith(html ? stripTags(out) : out, htmlTable, html);
      }
    }
  }

  text(s: string): void {
    let i = 0;
    let emitFrom = 0;
    const n = s.length;
    while (i < n) {
      switch (this.#state) {
        case 'text': {
          const lt = s.indexOf('<', i);
          if (lt < 0) {
            i = n;
            continue;
          }
          i = lt;
          if (s.startsWith('<!--', i)) {
            if (i > emitFrom) this.#out += s.slice(emitFrom, i);
            this.#state = 'comment';
            i += 4;
            emitFrom = i;
            continue;
          }
          tagRe.lastIndex = i;
          const m = tagRe.exec(s);
          if (m) {
            this.#element = m[1] ? '' : m[2]!.toLowerCase();
            this.#state = 'tag';
            i += m[0].length;
            continue;
          }
          i++;
          continue;
        }
        case 'comment': {
          const end = s.indexOf('-->', i);
          i = end < 0 ? n : end + 3;
          emitFrom = i;
          if (end >= 0) this.#state = 'text';
          continue;
        }
        case 'rcdata':
        case 'script':
        case 'style': {
          const close = closeTagRe(this.#element);
          close.lastIndex = i;
          const m = close.exec(s);
          if (!m) {
            i = n;
            continue;
          }
          i = m.index + m[0].length;
          this.#element = '';
          this.#state = 'tag';
          continue;
        }
        case 'tag':
        case 'afterName': {
          const c = s.charCodeAt(i);
          if (c === 62 /* > */) {
            this.#endTag();
          } else if (c === 61 /* = */ && this.#state === 'afterName') {
            this.#state = 'beforeValue';
          } else if (!isSpaceCode(c) && c !== 47 /* / */) {
            this.#state = 'attrName';
            this.#attrName = s[i]!;
          }
          i++;
          continue;
        }
        case 'attrName': {
          const c = s.charCodeAt(i);
          if (isSpaceCode(c) || c === 61 || c === 62 || c === 47) {
            this.#state = 'afterName';
            this.#attrType = attrType(this.#attrName);
            continue;
          }
          this.#attrName += s[i];
          i++;
          continue;
        }
        case 'beforeValue': {
          const c = s.charCodeAt(i);
          if (isSpaceCode(c)) {
            i++;
            continue;
          }
          if (c === 62) {
            this.#endTag();
            i++;
            continue;
          }
          this.#state = 'attr';
          this.#urlPart = 'none';
          if (c === 34 || c === 39) {
            this.#delim = s[i] as '"' | "'";
            i++;
          } else this.#delim = ' ';
          continue;
        }
        case 'attr': {
          let stop: number;
          if (this.#delim === ' ') {
            unquotedEndRe.lastIndex = i;
            const m = unquotedEndRe.exec(s);
            stop = m ? m.index : -1;
          } else stop = s.indexOf(this.#delim, i);
          const end = stop < 0 ? n : stop;
          if (this.#attrType === 'url') this.#trackUrl(s.slice(i, end));
          i = end;
          if (stop >= 0) {
            this.#state = 'tag';
            if (this.#delim !== ' ') i++;
          }
          continue;
        }
      }
    }
    if (this.#state !== 'comment' && emitFrom < n) this.#out += emitFrom === 0 ? s : s.slice(emitFrom);
  }

  #trackUrl(text: string): void {
    if (/[#?]/.test(text)) this.#urlPart = 'query';
    else if (text.trim() !== '' && this.#urlPart === 'none') this.#urlPart = 'pre';
  }

  #endTag(): void {
    const e = this.#element;
    this.#state =
      e === 'script'
        ? 'script'
        : e === 'style'
          ? 'style'
          : e === 'textarea' || e === 'title'
            ? 'rcdata'
            : 'text';
  }
}

/** Go's `cssValueFilter`: refuses characters that could leave a CSS value, `<!--`/`-->`, `expression` and `mozbinding`. */
function cssValueFilter(s: string): string {
  if (/["'()/;@[\\\]`{}<>\0]|--/.test(s)) return FAILSAFE;
  const id = s.replace(/[^A-Za-z0-9_-]/g, '').toLowerCase();
  return id.includes('expression') || id.includes('mozbinding') ? FAILSAFE : s;
}

function attrType(name: string): AttrType {
  const n = name.toLowerCase().replace(/^(xmlns:|data-)/, '');
  if (n.startsWith('on')) return 'js';
  if (n === 'style') return 'css';
  if (urlAttrs.has(n) || n.includes('src') || n.includes('uri') || n.includes('url')) return 'url';
  return 'plain';
}
