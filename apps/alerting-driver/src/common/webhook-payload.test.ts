import { describe, expect, it } from 'vitest';
import { WebhookPayloadError, parseWebhookPayload } from './webhook-payload.ts';

describe('parseWebhookPayload', () => {
  it('reads a version 4 payload and fills absent fields', () => {
    const p = parseWebhookPayload(
      JSON.stringify({
        version: '4',
        receiver: 'teams',
        status: 'firing',
        alerts: [
          { status: 'firing', labels: { alertname: 'A' }, annotations: { summary: 's', obj: { x: 1 } } },
        ],
      }),
    );
    expect(p.receiver).toBe('teams');
    expect(p.commonLabels).toEqual({});
    expect(p.alerts[0]).toMatchObject({ status: 'firing', labels: { alertname: 'A' }, fingerprint: '' });
    expect(p.alerts[0]?.annotations).toEqual({ summary: 's' });
  });

  it.each([
    { name: 'empty body', body: '', want: 'empty body' },
    { name: 'not JSON', body: 'hello', want: 'body is not JSON' },
    { name: 'not an object', body: '[1]', want: 'expected an object, got a list' },
    { name: 'missing alerts', body: '{"status":"firing"}', want: 'alerts: missing field' },
    { name: 'alerts not a list', body: '{"alerts":{}}', want: 'alerts: expected a list' },
    {
      name: 'bad label value',
      body: '{"alerts":[{"labels":{"a":1}}]}',
      want: 'alerts[0].labels.a: expected a string',
    },
    {
      name: 'alert not an object',
      body: '{"alerts":[3]}',
      want: 'alerts[0]: expected an object, got a number',
    },
  ])('refuses $name', ({ body, want }) => {
    let caught: unknown;
    try {
      parseWebhookPayload(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookPayloadError);
    expect((caught as WebhookPayloadError).statusCode).toBe(400);
    expect((caught as Error).message).toContain(want);
  });
});
