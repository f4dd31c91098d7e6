import { GO_ELEM_ZERO } from './exec.ts';
import { GoTime, ZERO_TIME } from './go-time.ts';
import { GO_TYPE, compareStrings } from './value.ts';

const tagged = <T extends unknown[]>(arr: T, goType: string): T =>
  Object.defineProperty(arr, GO_TYPE, { value: goType, enumerable: false });

/** A label or annotation name and value (Alertmanager's `template.Pair`). */
export class Pair {
  readonly [GO_TYPE] = 'template.Pair';

  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}

/** A list of pairs, `alertname` first then by name (`template.Pairs`). */
export class Pairs extends Array<Pair> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  get [GO_TYPE](): string {
    return 'template.Pairs';
  }

  /** The names, in order. */
  Names(): string[] {
    return tagged(
      this.map((p) => p.Name),
      '[]string',
    );
  }

  /** The values, in order. */
  Values(): string[] {
    return tagged(
      this.map((p) => p.Value),
      '[]string',
    );
  }
}

/**
 * Labels or annotations (`template.KV`, a `map[string]string`): field access reads a
 * key, a missing key is `""` under Alertmanager's `missingkey=zero`.
 */
export class KV extends Map<string, string> {
  get [GO_TYPE](): string {
    return 'template.KV';
  }

  get [GO_ELEM_ZERO](): string {
    return '';
  }

  constructor(entries?: Iterable<readonly [string, string]> | Record<string, string> | null) {
    super();
    if (!entries) return;
    const it = Symbol.iterator in entries ? entries : Object.entries(entries);
    for (const [k, v] of it as Iterable<readonly [string, string]>) this.set(k, v);
  }

  #sorted: Pairs | undefined;

  override set(key: string, value: string): this {
    this.#sorted = undefined;
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.#sorted = undefined;
    return super.delete(key);
  }

  override clear(): void {
    this.#sorted = undefined;
    super.clear();
  }

  /** Pairs with `alertname` first, the rest sorted by name (computed once per content). */
  SortedPairs(): Pairs {
    if (this.#sorted) return this.#sorted;
    const keys = [...this.keys()];
    const rest = keys.filter((k) => k !== 'alertname').sort(compareStrings);
    const ordered = keys.length !== rest.length ? ['alertname', ...rest] : rest;
    const pairs = new Pairs();
    for (const k of ordered) pairs.push(new Pair(k, this.get(k)!));
    this.#sorted = pairs;
    return pairs;
  }

  /** A copy without the given keys. */
  Remove(keys: readonly string[] | null): KV {
    const drop = new Set(keys ?? []);
    return new KV([...this].filter(([k]) => !drop.has(k)));
  }

  /** Names in {@link SortedPairs} order. */
  Names(): string[] {
    return this.SortedPairs().Names();
  }

  /** Values in {@link SortedPairs} order. */
  Values(): string[] {
    return this.SortedPairs().Values();
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this);
  }
}

/** One alert as templates see it (`template.Alert`). */
export class TemplateAlert {
  readonly [GO_TYPE] = 'template.Alert';
  Status: string;
  Labels: KV;
  Annotations: KV;
  StartsAt: GoTime;
  EndsAt: GoTime;
  GeneratorURL: string;
  Fingerprint: string;

  constructor(a: {
    status: string;
    labels?: KV | Record<string, string>;
    annotations?: KV | Record<string, string>;
    startsAt?: GoTime;
    endsAt?: GoTime;
    generatorURL?: string;
    fingerprint?: string;
  }) {
    this.Status = a.status;
    this.Labels = a.labels instanceof KV ? a.labels : new KV(a.labels);
    this.Annotations = a.annotations instanceof KV ? a.annotations : new KV(a.annotations);
    this.StartsAt = a.startsAt ?? ZERO_TIME;
    this.EndsAt = a.endsAt ?? ZERO_TIME;
    this.GeneratorURL = a.generatorURL ?? '';
    this.Fingerprint = a.fingerprint ?? '';
  }

  toJSON(): object {
    return {
      status: this.Status,
      labels: this.Labels,
      annotations: this.Annotations,
      startsAt: this.StartsAt,
      endsAt: this.EndsAt,
      generatorURL: this.GeneratorURL,
      fingerprint: this.Fingerprint,
    };
  }
}

/** The alerts of a notification (`template.Alerts`), with `Firing` and `Resolved`. */
export class TemplateAlerts extends Array<TemplateAlert> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  get [GO_TYPE](): string {
    return 'template.Alerts';
  }

  static fromList(alerts: readonly TemplateAlert[]): TemplateAlerts {
    const list = new TemplateAlerts();
    list.push(...alerts);
    return list;
  }

  /** The firing alerts (a `[]template.Alert`). */
  Firing(): TemplateAlert[] {
    return tagged(
      this.filter((a) => a.Status === 'firing'),
      '[]template.Alert',
    );
  }

  /** The resolved alerts (a `[]template.Alert`). */
  Resolved(): TemplateAlert[] {
    return tagged(
      this.filter((a) => a.Status === 'resolved'),
      '[]template.Alert',
    );
  }
}

/** The data of one notification (`template.Data`); JSON is the webhook's field names. */
export class TemplateData {
  readonly [GO_TYPE] = 'template.Data';
  Receiver: string;
  Status: string;
  Alerts: TemplateAlerts;
  GroupLabels: KV;
  CommonLabels: KV;
  CommonAnnotations: KV;
  ExternalURL: string;
  readonly #routeLabels: KV;

  constructor(d: {
    receiver: string;
    status: string;
    alerts: readonly TemplateAlert[];
    groupLabels?: KV | Record<string, string>;
    commonLabels?: KV | Record<string, string>;
    commonAnnotations?: KV | Record<string, string>;
    externalURL?: string;
    routeLabels?: KV | Record<string, string>;
  }) {
    this.Receiver = d.receiver;
    this.Status = d.status;
    this.Alerts = TemplateAlerts.fromList(d.alerts);
    this.GroupLabels = d.groupLabels instanceof KV ? d.groupLabels : new KV(d.groupLabels);
    this.CommonLabels = d.commonLabels instanceof KV ? d.commonLabels : new KV(d.commonLabels);
    this.CommonAnnotations =
      d.commonAnnotations instanceof KV ? d.commonAnnotations : new KV(d.commonAnnotations);
    this.ExternalURL = d.externalURL ?? '';
    this.#routeLabels = d.routeLabels instanceof KV ? d.routeLabels : new KV(d.routeLabels);
  }

  /** The route's labels (Alertmanager 0.34); not printed by `{{ . }}`, as in 0.25. */
  get RouteLabels(): KV {
    return this.#routeLabels;
  }

  /**
   * Builds template data from the webhook/`amtool --template.data` JSON shape
   * (`receiver`, `status`, `alerts[]` with RFC 3339 `startsAt`/`endsAt`, `groupLabels`, …).
   */
  static fromJSON(json: unknown): TemplateData {
    const d = (json ?? {}) as Record<string, unknown>;
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    const kv = (v: unknown): KV => new KV((v ?? {}) as Record<string, string>);
    const time = (v: unknown): GoTime => (typeof v === 'string' && v ? GoTime.parseRFC3339(v) : ZERO_TIME);
    const alerts = Array.isArray(d.alerts) ? (d.alerts as Record<string, unknown>[]) : [];
    return new TemplateData({
      receiver: str(d.receiver),
      status: str(d.status),
      alerts: alerts.map(
        (a) =>
          new TemplateAlert({
            status: str(a.status),
            labels: kv(a.labels),
            annotations: kv(a.annotations),
            startsAt: time(a.startsAt),
            endsAt: time(a.endsAt),
            generatorURL: str(a.generatorURL),
            fingerprint: str(a.fingerprint),
          }),
      ),
      groupLabels: kv(d.groupLabels),
      commonLabels: kv(d.commonLabels),
      commonAnnotations: kv(d.commonAnnotations),
      externalURL: str(d.externalURL),
      routeLabels: kv(d.routeLabels),
    });
  }

  toJSON(): object {
    return {
      receiver: this.Receiver,
      status: this.Status,
      alerts: [...this.Alerts],
      groupLabels: this.GroupLabels,
      commonLabels: this.CommonLabels,
      commonAnnotations: this.CommonAnnotations,
      externalURL: this.ExternalURL,
    };
  }
}
