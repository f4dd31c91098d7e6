import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { parseYaml } from '@argus/service-kit';
import { sdMetrics } from './metrics/self-metrics.ts';
import type { TargetGroup } from './target.ts';

/** Options of one `file_sd_configs` entry; paths relative to the config file's directory. */
export interface FileSdOptions {
  readonly files: readonly string[];
  readonly refreshIntervalMs: number;
  readonly baseDir: string;
  readonly onGroups: (groups: TargetGroup[]) => void;
  readonly onError?: (message: string) => void;
}

/**
 * File service discovery as upstream: YAML (`.yml`, `.yaml`) or JSON (`.json`) lists of
 * `{targets, labels}`, a `*` glob allowed in the file name, `__meta_filepath` on every group.
 * Re-read on changes to the watched directories and every `refresh_interval`; a file that
 * fails to parse keeps its previous groups.
 */
export class FileSd {
  readonly #o: FileSdOptions;
  readonly #watchers: FSWatcher[] = [];
  readonly #lastGood = new Map<string, TargetGroup[]>();
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;

  constructor(options: FileSdOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    await this.refresh();
    for (const dir of new Set(this.#o.files.map((f) => dirname(resolve(this.#o.baseDir, f))))) {
      try {
        this.#watchers.push(
          watch(dir, () => this.#schedule()).on('error', () => sdMetrics.fileWatcherErrors.inc()),
        );
      } catch (error) {
        sdMetrics.fileWatcherErrors.inc();
        this.#o.onError?.(`error watching ${dir}: ${(error as Error).message}`);
      }
    }
    this.#timer = setInterval(() => void this.refresh(), this.#o.refreshIntervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    for (const w of this.#watchers) w.close();
    for (const path of this.#lastGood.keys()) sdMetrics.fileMtime.remove({ filename: path });
  }

  #schedule(): void {
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.refresh(), 50);
  }

  /** Reads every matching file now and reports all groups. */
  async refresh(): Promise<void> {
    const started = performance.now();
    const paths = (await Promise.all(this.#o.files.map((f) => expand(resolve(this.#o.baseDir, f))))).flat();
    const groups: TargetGroup[] = [];
    const present = new Set(paths);
    for (const path of paths) {
      try {
        const parsed = parseTargetGroups(await readFile(path, 'utf8'), path);
        this.#lastGood.set(path, parsed);
        sdMetrics.fileMtime.set({ filename: path }, (await stat(path)).mtimeMs / 1000);
      } catch (error) {
        sdMetrics.fileReadErrors.inc();
        this.#o.onError?.(`error reading file ${JSON.stringify(path)}: ${(error as Error).message}`);
      }
      groups.push(...(this.#lastGood.get(path) ?? []));
    }
    for (const path of this.#lastGood.keys())
      if (!present.has(path)) {
        this.#lastGood.delete(path);
        sdMetrics.fileMtime.remove({ filename: path });
      }
    sdMetrics.fileScanDuration.observe((performance.now() - started) / 1000);
    this.#o.onGroups(groups);
  }
}

async function expand(pattern: string): Promise<string[]> {
  const name = basename(pattern);
  if (!name.includes('*')) return [pattern];
  const dir = dirname(pattern);
  const re = new RegExp(
    `^${name
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  try {
    return (await readdir(dir))
      .filter((f) => re.test(f))
      .sort()
      .map((f) => resolve(dir, f));
  } catch {
    return [];
  }
}

/** Parses a file SD file; throws with a reason on anything but a list of `{targets, labels}`. */
export function parseTargetGroups(text: string, path: string): TargetGroup[] {
  const ext = extname(path);
  let value: unknown;
  if (ext === '.json') value = JSON.parse(text);
  else if (ext === '.yml' || ext === '.yaml') value = parseYaml(text, path).value;
  else throw new Error(`retrieval.FileDiscovery.readFile: unknown file extension ${JSON.stringify(ext)}`);
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new Error('expected a list of target groups');
  return value.map((raw, i) => {
    const g = raw as { targets?: unknown; labels?: unknown };
    if (!Array.isArray(g.targets) || g.targets.some((t) => typeof t !== 'string'))
      throw new Error(`group ${i}: targets must be a list of strings`);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries((g.labels ?? {}) as Record<string, unknown>)) labels[k] = String(v);
    labels.__meta_filepath = path;
    return { source: `${path}:${i}`, targets: g.targets as string[], labels };
  });
}
