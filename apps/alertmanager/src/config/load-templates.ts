import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { AlertmanagerTemplates } from '@argus/gotemplate';
import { TemplateLoadError } from '../errors.ts';

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Reads the `templates:` globs (relative to the config file's directory; only the last
 * path component may hold a wildcard), in glob order and file-name order, and parses them
 * with the default templates. A glob matching nothing is fine, as upstream.
 * Throws {@link TemplateLoadError} with Go's parse error text.
 */
export async function loadTemplates(
  configFile: string,
  globs: readonly string[],
): Promise<AlertmanagerTemplates> {
  const files: [string, string][] = [];
  for (const glob of globs) {
    const path = isAbsolute(glob) ? glob : join(dirname(configFile), glob);
    const dir = dirname(path);
    const pattern = globToRegExp(basename(path));
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => pattern.test(n)).sort();
    } catch {
      names = [];
    }
    for (const name of names) {
      try {
        files.push([name, await readFile(join(dir, name), 'utf8')]);
      } catch (error) {
        throw new TemplateLoadError(`${join(dir, name)}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  try {
    return AlertmanagerTemplates.create({ files });
  } catch (error) {
    throw new TemplateLoadError(`failed to parse templates: ${(error as Error).message}`, { cause: error });
  }
}
