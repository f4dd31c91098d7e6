// One program, two drivers: `main.js teams [prom2teams flags]` and `main.js sms [sachet flags]`.
import { runSms } from './sms/main.ts';
import { runTeams } from './teams/main.ts';

const [mode, ...argv] = process.argv.slice(2);
const modes: Record<string, (argv: readonly string[]) => Promise<void>> = { teams: runTeams, sms: runSms };
const run = mode === undefined ? undefined : modes[mode];
if (run === undefined) {
  process.stderr.write(
    `usage: alerting-driver teams [prom2teams flags] | sms [sachet flags]\n` +
      (mode === undefined ? '' : `alerting-driver: unknown mode "${mode}"\n`),
  );
  process.exit(2);
}
await run(argv);
