import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';

/** The upstream client's counters, no labels. */
export class ClientMetrics {
  readonly scrapeErrors: Counter;
  readonly pushErrors: Counter;
  readonly pollErrors: Counter;

  constructor(registry: Registry) {
    this.scrapeErrors = new Counter({
      name: 'pushprox_client_scrape_errors_total',
      help: 'Number of scrape errors',
      registers: [registry],
    });
    this.pushErrors = new Counter({
      name: 'pushprox_client_push_errors_total',
      help: 'Number of push errors',
      registers: [registry],
    });
    this.pollErrors = new Counter({
      name: 'pushprox_client_poll_errors_total',
      help: 'Number of poll errors',
      registers: [registry],
    });
  }
}
