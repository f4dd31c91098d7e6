/** prom2teams-compatible mode (in progress). */
export async function runTeams(_argv: readonly string[]): Promise<void> {
  throw new Error('teams mode is not built yet');
}
