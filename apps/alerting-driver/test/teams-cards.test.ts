import { describe, expect, it } from 'vitest';
import { parseWebhookPayload } from '../src/common/webhook-payload.ts';
import { BUILTIN_TEMPLATE_SOURCES } from '../src/teams/builtin-templates.ts';
import { buildCards } from '../src/teams/card-builder.ts';
import type { CardOptions } from '../src/teams/card-builder.ts';
import { CardTemplate } from '../src/teams/card-template.ts';
import { expectedMessageCard } from './teams-expected-card.ts';

const messageCard = new CardTemplate(BUILTIN_TEMPLATE_SOURCES.messagecard, 'messagecard');
const adaptiveCard = new CardTemplate(BUILTIN_TEMPLATE_SOURCES.adaptivecard, 'adaptivecard');

function cards(alerts: unknown[], options: Partial<CardOptions> = {}): unknown[] {
  const payload = parseWebhookPayload(JSON.stringify({ version: '4', status: 'firing', alerts }));
  return buildCards(payload, {
    exclusions: { labels: [], annotations: [] },
    groupAlertsBy: undefined,
    maxPayloadBytes: 24576,
    render: (a) => messageCard.render(a),
    ...options,
  }).map((c) => JSON.parse(c) as unknown);
}

describe('the built-in MessageCard (prom2teams 3.2.2)', () => {
  it.each([
    { severity: 'critical', colour: ' 8C1A1A ' },
    { severity: 'severe', colour: ' 8C1A1A ' },
    { severity: 'warning', colour: ' FF9A0B ' },
    { severity: undefined, colour: ' CCCCCC ' },
    { severity: 'info', colour: '  ' },
  ])('colours a firing $severity alert $colour', ({ severity, colour }) => {
    const labels = severity === undefined ? { alertname: 'A' } : { alertname: 'A', severity };
    const [card] = cards([{ status: 'firing', labels, annotations: {} }]) as Array<{ themeColor: string }>;
    expect(card?.themeColor).toBe(colour);
  });

  it('sends one card per alert, firing before resolved as they first appear, with the defaults', () => {
    const got = cards([
      {
        status: 'resolved',
        labels: { alertname: 'R1', severity: 'warning' },
        annotations: { summary: 'r1' },
      },
      {
        status: 'firing',
        labels: { alertname: 'F1', instance: 'h:1', job: 'j', device: 'sda', mountpoint: '/' },
        annotations: {
          summary: 's',
          description: 'd',
          runbook_url: 'https://rb/1',
          dash: 'x',
          obj: { a: 1 },
        },
      },
      { status: 'resolved', labels: { alertname: 'R2' }, annotations: {} },
      { labels: { alertname: 'U' }, annotations: {} },
    ]);
    expect(got).toEqual([
      expectedMessageCard({ name: 'R1', status: 'resolved', severity: 'warning', summary: 'r1' }),
      expectedMessageCard({ name: 'R2', status: 'resolved' }),
      expectedMessageCard({
        name: 'F1',
        status: 'firing',
        instance: 'h:1',
        summary: 's',
        description: 'd',
        runbook_url: 'https://rb/1',
        extra_labels: { job: 'j' },
        extra_annotations: { runbook_url: 'https://rb/1', dash: 'x' },
      }),
      expectedMessageCard({ name: 'U', status: 'unknown' }),
    ]);
  });

  it('leaves out excluded labels and annotations', () => {
    const [card] = cards(
      [{ status: 'firing', labels: { alertname: 'A', job: 'j', pod: 'p' }, annotations: { a: '1', b: '2' } }],
      {
        exclusions: { labels: ['pod'], annotations: ['a'] },
      },
    );
    expect(card).toEqual(
      expectedMessageCard({
        name: 'A',
        status: 'firing',
        extra_labels: { job: 'j' },
        extra_annotations: { b: '2' },
      }),
    );
  });

  it('escapes ", \\ and newlines so the card stays valid JSON (prom2teams sends broken JSON)', () => {
    const nasty = 'say "hi" \\ back\nslash';
    const [card] = cards([
      { status: 'firing', labels: { alertname: nasty, 'we"ird': nasty }, annotations: { summary: nasty } },
    ]);
    expect(card).toEqual(
      expectedMessageCard({
        name: nasty,
        status: 'firing',
        summary: nasty,
        extra_labels: { 'we"ird': nasty },
      }),
    );
  });
});

describe('group_alerts_by', () => {
  const alert = (name: string, instance: string, status = 'firing') => ({
    status,
    labels: { alertname: name, instance, severity: 'critical', [`l_${instance}`]: instance },
    annotations: { summary: `${name} on ${instance}` },
  });

  it('merges alerts with the same status and field value into one card', () => {
    const got = cards(
      [alert('Disk', 'b'), alert('Disk', 'a'), alert('CPU', 'c'), alert('Disk', 'd', 'resolved')],
      {
        groupAlertsBy: 'name',
      },
    );
    expect(got).toEqual([
      expectedMessageCard({
        name: 'Disk',
        status: 'firing',
        severity: 'critical',
        instance: 'a,\n\n\nb',
        summary: 'Disk on a,\n\n\nDisk on b',
        description: 'unknown',
        extra_labels: { l_b: 'b', l_a: 'a' },
      }),
      expectedMessageCard({
        name: 'CPU',
        status: 'firing',
        severity: 'critical',
        instance: 'c',
        summary: 'CPU on c',
        extra_labels: { l_c: 'c' },
      }),
      expectedMessageCard({
        name: 'Disk',
        status: 'resolved',
        severity: 'critical',
        instance: 'd',
        summary: 'Disk on d',
        extra_labels: { l_d: 'd' },
      }),
    ]);
  });

  it('splits a group whose card would pass MaxPayload, keeping every alert', () => {
    const many = Array.from({ length: 120 }, (_, i) =>
      alert('Big', `host-${String(i).padStart(3, '0')}-${'x'.repeat(200)}`),
    );
    const bodies = buildCards(parseWebhookPayload(JSON.stringify({ alerts: many })), {
      exclusions: { labels: [], annotations: [] },
      groupAlertsBy: 'name',
      maxPayloadBytes: 24576,
      render: (a) => messageCard.render(a),
    });
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(24576);
    const instances = bodies.flatMap((b) =>
      (
        JSON.parse(b) as { sections: Array<{ facts: Array<{ name: string; value: string }> }> }
      ).sections[0]!.facts.find((f) => f.name === 'In host')!.value.split(',\n\n\n'),
    );
    expect(instances.sort()).toEqual(many.map((a) => a.labels.instance).sort());
  });
});

interface AdaptiveContent {
  version: string;
  body: [
    { style: string; columns: Array<{ items: Array<{ text: string }> }> },
    { facts: Array<{ title: string; value: string }> },
  ];
  actions?: unknown[];
}

describe('the built-in Adaptive Card (prom2teams 5.x)', () => {
  it('wraps the facts and the runbook action in a Teams message', () => {
    const [card] = cards(
      [
        {
          status: 'resolved',
          labels: { alertname: 'A', job: 'j' },
          annotations: { summary: 's', runbook_url: 'https://rb' },
        },
      ],
      { render: (a) => adaptiveCard.render(a) },
    ) as Array<{ type: string; attachments: Array<{ contentType: string; content: AdaptiveContent }> }>;
    expect(card?.type).toBe('message');
    const content = card!.attachments[0]!.content;
    expect(card!.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(content.version).toBe('1.4');
    expect(content.body[0].style).toBe('good');
    expect(content.body[0].columns[0]!.items.map((i) => i.text)).toEqual([
      'Prometheus alert A (Resolved)',
      '(Resolved) s',
    ]);
    expect(content.body[1].facts).toEqual([
      { title: 'Alert', value: 'A' },
      { title: 'In host', value: 'unknown' },
      { title: 'Severity', value: 'unknown' },
      { title: 'Description', value: 'unknown' },
      { title: 'Status', value: 'resolved' },
      { title: 'job', value: 'j' },
      { title: 'runbook_url', value: 'https://rb' },
    ]);
    expect(content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'View details', url: 'https://rb' }]);
  });
});
