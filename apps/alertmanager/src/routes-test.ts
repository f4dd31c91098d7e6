import { ConfigError } from '@argus/service-kit';
import { loadConfigFile } from './config/config.ts';
import { parseMatcher } from './domain/parse-matchers.ts';

/** Where `routes-test` writes. */
export interface RoutesTestIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * `routes-test --config.file=F [--verify.receivers=a,b] name=value…`: prints the receivers
 * an alert with those labels is routed to, comma-separated, as `amtool config routes test`
 * does; returns the exit code (1 when the labels or config are bad or verification fails).
 */
export async function runRoutesTest(args: readonly string[], io: RoutesTestIo): Promise<number> {
  let configFile = 'alertmanager.yml';
  let verify: string | undefined;
  const labels: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^--([a-z.-]+)(?:=(.*))?$/s.exec(arg);
    if (flag) {
      const value = flag[2] ?? args[++i] ?? '';
      if (flag[1] === 'config.file') configFile = value;
      else if (flag[1] === 'verify.receivers') verify = value;
      else {
        io.err(`routes-test: error: unknown long flag '--${flag[1]!}'\n`);
        return 1;
      }
      continue;
    }
    try {
      const m = parseMatcher(arg);
      if (m.type !== '=') throw new Error('not an equality');
      labels[m.name] = m.value;
    } catch {
      io.err('routes-test: error: Failed to parse labels: labels must be specified as key=value pairs\n');
      return 1;
    }
  }
  let config;
  try {
    config = await loadConfigFile(configFile);
  } catch (error) {
    io.err(
      `routes-test: error: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
    );
    return 1;
  }
  const receivers = config.route
    .match(labels)
    .map((r) => r.options.receiver)
    .join(',');
  io.out(`${receivers}\n`);
  if (verify !== undefined && verify !== receivers) {
    io.out('WARNING: Expected receivers did not match resolved receivers.\n');
    return 1;
  }
  return 0;
}
