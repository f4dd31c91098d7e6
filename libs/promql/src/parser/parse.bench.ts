import { bench, describe } from 'vitest';
import { ALL_PARSER_FEATURES, exprToString, parseExpr, prettify } from '../index.ts';

// Parse speed of typical dashboard and rule queries: `pnpm exec vitest bench` in libs/promql.
const queries = {
  selector: 'up{job="node"}',
  errorRatio:
    'sum by (job, instance) (rate(http_requests_total{job="api", code=~"5.."}[5m])) / on(job) group_left sum by (job) (rate(http_requests_total[5m])) > 0.05',
  histogram:
    'histogram_quantile(0.99, sum by (le) (rate(apiserver_request_duration_seconds_bucket{verb!="WATCH"}[5m])))',
  chain200: 'a' + ' + b'.repeat(200),
};

describe('parseExpr', () => {
  for (const [name, q] of Object.entries(queries)) {
    bench(name, () => {
      parseExpr(q, ALL_PARSER_FEATURES);
    });
  }
});

describe('print', () => {
  const e = parseExpr(queries.errorRatio, ALL_PARSER_FEATURES);
  bench('exprToString', () => {
    exprToString(e);
  });
  bench('prettify', () => {
    prettify(e);
  });
});
