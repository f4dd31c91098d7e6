/**
 * Syntax checks of the `selectors` of a Kubernetes SD config, so a bad selector fails the
 * config as upstream (`labels.Parse`, `fields.ParseSelector`) rather than every list later.
 */

const NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?';
const KEY = new RegExp(`^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?${NAME}$`);
const VALUE = new RegExp(`^(${NAME})?$`);

/** Splits at commas outside parentheses. */
function requirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

function checkKey(key: string, selector: string): string | undefined {
  if (!KEY.test(key) || key.split('/').at(-1)!.length > 63)
    return `unable to parse requirement: invalid label key ${JSON.stringify(key)} in selector ${JSON.stringify(selector)}`;
  return undefined;
}

function checkValue(value: string, selector: string): string | undefined {
  if (!VALUE.test(value) || value.length > 63)
    return `invalid label value: ${JSON.stringify(value)} in selector ${JSON.stringify(selector)}`;
  return undefined;
}

/** A label selector's first syntax error, or undefined (the empty selector selects everything). */
export function labelSelectorError(selector: string): string | undefined {
  if (selector.trim() === '') return undefined;
  for (const req of requirements(selector)) {
    let m = /^!\s*(\S+)$/.exec(req);
    if (m) return checkKey(m[1]!, selector);
    m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(req);
    if (m) return checkKey(m[1]!, selector) ?? checkValue(m[3]!, selector);
    m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(req);
    if (m) {
      const problem = checkKey(m[1]!, selector);
      if (problem) return problem;
      for (const v of m[3]!.split(',')) {
        const valueProblem = checkValue(v.trim(), selector);
        if (valueProblem) return valueProblem;
      }
      continue;
    }
    if (/^\S+$/.test(req)) {
      const problem = checkKey(req, selector);
      if (problem) return problem;
      continue;
    }
    return `unable to parse requirement ${JSON.stringify(req)} in selector ${JSON.stringify(selector)}`;
  }
  return undefined;
}

/** A field selector's first syntax error, or undefined: `field=value`, `field==value`, `field!=value`, comma-separated. */
export function fieldSelectorError(selector: string): string | undefined {
  if (selector.trim() === '') return undefined;
  for (const req of selector.split(',')) {
    if (!/^\s*[^=!\s]+\s*(==|!=|=)[^=]*$/.test(req))
      return `invalid selector: ${JSON.stringify(selector)}; can't understand ${JSON.stringify(req.trim())}`;
  }
  return undefined;
}
