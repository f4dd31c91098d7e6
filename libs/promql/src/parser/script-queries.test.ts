import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_PARSER_FEATURES, exprToString, parseExpr, prettify } from '../index.ts';
import { extractScriptQueries } from './conformance-queries.ts';
import { shape } from './test-support.ts';

const TESTDATA = resolve(import.meta.dirname, '../../../../../shared/conformance/promql/testdata');

describe.runIf(existsSync(TESTDATA))('queries of the upstream promqltest scripts', () => {
  const queries = existsSync(TESTDATA) ? extractScriptQueries(TESTDATA) : [];

  it('finds the eval commands of every script', () => {
    expect(queries.length).toBeGreaterThan(2000);
    expect(new Set(queries.map((q) => q.file)).size).toBe(16);
    expect(queries.some((q) => q.expectFail)).toBe(true);
  });

  // Upstream's harness parses every query when loading a file, so a parse error fails the
  // whole file: expected failures (eval_fail, expect fail) must parse too and fail later.
  it('parses every query with the features the upstream harness enables', () => {
    const failures = queries.flatMap((q) => {
      try {
        parseExpr(q.query, ALL_PARSER_FEATURES);
        return [];
      } catch (err) {
        return [`${q.file}:${q.line} ${q.query}: ${(err as Error).message}`];
      }
    });
    expect(failures).toEqual([]);
  });

  it('prints every query so that parsing the text gives the same tree and the same text', () => {
    const mismatches = queries.flatMap((q) => {
      const first = parseExpr(q.query, ALL_PARSER_FEATURES);
      const text = exprToString(first);
      const second = parseExpr(text, ALL_PARSER_FEATURES);
      const problems: string[] = [];
      if (JSON.stringify(shape(second)) !== JSON.stringify(shape(first)))
        problems.push(`${q.file}:${q.line} tree differs after ${text}`);
      if (exprToString(second) !== text) problems.push(`${q.file}:${q.line} text not a fixpoint: ${text}`);
      const pretty = prettify(first, 20);
      if (JSON.stringify(shape(parseExpr(pretty, ALL_PARSER_FEATURES))) !== JSON.stringify(shape(first))) {
        problems.push(`${q.file}:${q.line} prettified text parses differently: ${pretty}`);
      }
      return problems;
    });
    expect(mismatches).toEqual([]);
  });
});
