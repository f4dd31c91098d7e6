/** sachet-compatible mode (in progress). */
export async function runSms(_argv: readonly string[]): Promise<void> {
  throw new Error('sms mode is not built yet');
}
