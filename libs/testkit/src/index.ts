export { freePort } from './free-port.ts';
export { makeTempDir } from './temp-dir.ts';
export type { TempDir } from './temp-dir.ts';
export { ProcessStartError, startProcess, startService } from './start-process.ts';
export type { ProcessExit, StartProcessOptions, StartServiceOptions, TestProcess } from './start-process.ts';
export { WaitTimeoutError, waitFor } from './wait-for.ts';
export type { WaitForOptions } from './wait-for.ts';
export { appMain, conformancePath, findProgram, repoRoot, requireProgram } from './programs.ts';
export {
  startAlertmanager,
  startNatsServer,
  startNodeExporter,
  startPrometheus,
  startPushgateway,
} from './reference-programs.ts';
export type { ReferenceOptions, RunningProgram } from './reference-programs.ts';
export { makeTestCerts } from './test-certs.ts';
export type { TestCerts } from './test-certs.ts';
