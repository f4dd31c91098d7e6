// Alertmanager web UI: hash-routed views over API v2, written against the DOM directly.
// Everything taken from alerts and silences reaches the page through text nodes and
// attribute setters (see `h`), never through innerHTML, so a label holding `<script>`
// is shown as text.

const API = 'api/v2/';
const HOUR_MS = 3_600_000;
const OPERATORS = {
  '=': { isRegex: false, isEqual: true },
  '!=': { isRegex: false, isEqual: false },
  '=~': { isRegex: true, isEqual: true },
  '!~': { isRegex: true, isEqual: false },
};

// ---- DOM and API helpers ----

/** Creates an element; strings and numbers among `children` become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'value' || key === 'checked') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Calls API v2 (relative to the page, so route prefixes and proxies just work). */
async function api(path, init = {}) {
  const res = await fetch(API + path, {
    ...init,
    // fastify refuses an empty body announced as JSON (DELETE), so the type goes with a body only.
    headers:
      init.body === undefined
        ? { accept: 'application/json' }
        : { accept: 'application/json', 'content-type': 'application/json' },
  });
  const text = await res.text();
  let body = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the error message.
  }
  if (!res.ok)
    throw new Error(typeof body === 'string' && body !== '' ? body : `${res.status} ${res.statusText}`);
  return body;
}

const errorBox = (error) => h('div', { class: 'error', role: 'alert' }, String(error.message ?? error));

/** `2030-01-02T15:04:05Z` (milliseconds only when there are some): the silence form's times. */
const isoTime = (ms) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

const fmtTime = (iso) =>
  new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

/** Quotes a label name unless it is a classic one (`[a-zA-Z_][a-zA-Z0-9_]*`). */
const quoteName = (name) => (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : JSON.stringify(name));

const operatorOf = ({ isRegex, isEqual = true }) =>
  isRegex ? (isEqual ? '=~' : '!~') : isEqual ? '=' : '!=';

/** One matcher in the API's `filter` syntax: `name="value"`, `name=~"re"`, … */
const matcherText = (m) => `${quoteName(m.name)}${operatorOf(m)}${JSON.stringify(m.value)}`;

/** Splits `{a="b", c=~"d,e"}` (braces optional) into single matchers, commas in quotes kept. */
function splitMatchers(text) {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  const out = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') {
      current += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((m) => m.trim()).filter((m) => m !== '');
}

/** Parses one matcher (`name="value"`, `name=~value`, `"odd name"!="v"`) for the silence form. */
function parseMatcher(text) {
  const m = /^\s*("(?:[^"\\]|\\.)*"|[^\s=!~"]+)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s.exec(text);
  if (m === null) throw new Error(`bad matcher ${JSON.stringify(text)}`);
  const unquote = (t) => (t.startsWith('"') ? JSON.parse(t) : t);
  return { name: unquote(m[1]), value: unquote(m[3]), ...OPERATORS[m[2]] };
}

/** Parses `90s`, `2h`, `1d12h`, `1w` (Prometheus durations) into milliseconds; NaN if invalid. */
function parseDuration(text) {
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (m === null || text.trim() === '') return Number.NaN;
  const [w, d, hr, min, sec] = m.slice(1).map((x) => Number(x ?? 0));
  return ((((w * 7 + d) * 24 + hr) * 60 + min) * 60 + sec) * 1000;
}

function formatDuration(ms) {
  let s = Math.max(0, Math.round(ms / 1000));
  const parts = [];
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ]) {
    if (s >= size) parts.push(`${Math.floor(s / size)}${unit}`);
    s %= size;
  }
  return parts.join('') || '0s';
}

const hashWith = (path, params) => {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== false)).toString();
  return `#/${path}${q ? `?${q}` : ''}`;
};

/** Goes to `hash`; the same hash again (a repeated "Filter") renders afresh. */
function navigate(hash) {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

/** Upstream's link to a pre-filled form (`#/silences/new?filter={a="b"}`), which Grafana also builds. */
const silenceLink = (matchers) =>
  hashWith('silences/new', { filter: `{${matchers.map(matcherText).join(', ')}}` });

// ---- Shared pieces ----

function labelChips(labels, onPick) {
  return h(
    'span',
    { class: 'chips' },
    Object.entries(labels).map(([name, value]) =>
      h(
        onPick ? 'button' : 'span',
        {
          type: onPick ? 'button' : undefined,
          class: onPick ? 'chip' : 'chip static',
          onclick: onPick && (() => onPick(name, value)),
        },
        `${name}=${JSON.stringify(value)}`,
      ),
    ),
  );
}

function alertState(alert) {
  if (alert.status.silencedBy.length > 0) return 'silenced';
  if (alert.status.inhibitedBy.length > 0) return 'inhibited';
  return alert.status.state;
}

/** A link to where an alert came from, only for http(s) URLs (never `javascript:`). */
function sourceLink(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:')
      return h('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer' }, 'Source');
  } catch {
    // Not a URL: no link.
  }
  return null;
}

function alertRow(alert, onPick) {
  const annotations = Object.entries(alert.annotations ?? {});
  return h(
    'div',
    { class: 'row alert', 'data-fingerprint': alert.fingerprint },
    h('span', { class: `state ${alertState(alert)}` }, alertState(alert)),
    h('span', { class: 'muted' }, fmtTime(alert.startsAt)),
    h('span', { class: 'grow' }, labelChips(alert.labels, onPick)),
    sourceLink(alert.generatorURL ?? ''),
    h(
      'a',
      {
        class: 'button',
        href: silenceLink(
          Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false })),
        ),
      },
      'Silence',
    ),
    annotations.length > 0 &&
      h(
        'dl',
        { class: 'annotations' },
        annotations.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
    alert.status.silencedBy.length > 0 &&
      h(
        'span',
        { class: 'muted' },
        'Silenced by ',
        alert.status.silencedBy.map((id) =>
          h('a', { href: `#/silences/${encodeURIComponent(id)}` }, id, ' '),
        ),
      ),
    alert.status.inhibitedBy.length > 0 &&
      h('span', { class: 'muted' }, `Inhibited by ${alert.status.inhibitedBy.join(', ')}`),
  );
}

function alertList(alerts) {
  if (alerts.length === 0) return h('div', { class: 'empty' }, 'No alerts.');
  return h(
    'div',
    { class: 'card' },
    alerts.map((a) => alertRow(a)),
  );
}

// ---- Views ----

async function renderAlerts(params) {
  const filter = params.get('filter') ?? '';
  const silenced = params.get('silenced') === 'true';
  const inhibited = params.get('inhibited') === 'true';
  const receiver = params.get('receiver') ?? '';
  const go = (next) => navigate(hashWith('alerts', { filter, silenced, inhibited, receiver, ...next }));
  const addToFilter = (name, value) => {
    const m = matcherText({ name, value, isRegex: false });
    const all = splitMatchers(filter);
    go({ filter: `{${[...all.filter((x) => x !== m), m].join(', ')}}` });
  };

  const q = new URLSearchParams({ silenced, inhibited, active: true });
  for (const m of splitMatchers(filter)) q.append('filter', m);
  if (receiver !== '') q.set('receiver', receiver.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const [groups, receivers] = await Promise.all([
    api(`alerts/groups?${q}`).catch((error) => error),
    api('receivers').catch(() => []),
  ]);

  const input = h('input', {
    name: 'filter',
    value: filter,
    placeholder: '{alertname="Example", severity=~"crit.*"}',
    'aria-label': 'Filter',
  });
  const form = h(
    'form',
    {
      class: 'toolbar',
      onsubmit: (event) => {
        event.preventDefault();
        go({ filter: input.value.trim() });
      },
    },
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
    h(
      'label',
      {},
      h('input', {
        type: 'checkbox',
        name: 'silenced',
        checked: silenced,
        onchange: (e) => go({ silenced: e.target.checked }),
      }),
      ' Silenced',
    ),
    h(
      'label',
      {},
      h('input', {
        type: 'checkbox',
        name: 'inhibited',
        checked: inhibited,
        onchange: (e) => go({ inhibited: e.target.checked }),
      }),
      ' Inhibited',
    ),
    h(
      'select',
      { name: 'receiver', 'aria-label': 'Receiver', onchange: (e) => go({ receiver: e.target.value }) },
      h('option', { value: '' }, 'All receivers'),
      receivers.map((r) => h('option', { value: r.name, selected: r.name === receiver }, r.name)),
    ),
  );
  if (groups instanceof Error) return [h('h1', {}, 'Alerts'), form, errorBox(groups)];
  const cards = groups.map((g) =>
    h(
      'section',
      { class: 'card group' },
      h(
        'header',
        {},
        Object.keys(g.labels).length > 0
          ? labelChips(g.labels, addToFilter)
          : h('span', { class: 'muted' }, 'Not grouped'),
        h('span', { class: 'count' }, `receiver: ${g.receiver.name}`),
        h('span', { class: 'count' }, `${g.alerts.length} alert${g.alerts.length === 1 ? '' : 's'}`),
      ),
      g.alerts.map((a) => alertRow(a, addToFilter)),
    ),
  );
  return [
    h('h1', {}, 'Alerts'),
    form,
    cards.length > 0 ? cards : h('div', { class: 'empty' }, 'No alert groups match.'),
  ];
}

function silenceCard(s, actions = true) {
  const state = s.status.state;
  const expire = async (event) => {
    event.target.disabled = true;
    try {
      await api(`silence/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      await render();
    } catch (error) {
      event.target.replaceWith(errorBox(error));
    }
  };
  return h(
    'section',
    { class: 'card silence', 'data-id': s.id },
    h(
      'header',
      {},
      h('span', { class: `state ${state}` }, state),
      h(
        'span',
        { class: 'chips grow' },
        s.matchers.map((m) => h('span', { class: 'chip static' }, matcherText(m))),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'span',
        { class: 'grow' },
        `${fmtTime(s.startsAt)} → ${fmtTime(s.endsAt)}`,
        h('br'),
        h('span', { class: 'muted' }, `by ${s.createdBy}: `),
        s.comment,
      ),
      actions && h('a', { class: 'button', href: `#/silences/${encodeURIComponent(s.id)}` }, 'View'),
      actions &&
        h(
          'a',
          { class: 'button', href: `#/silences/${encodeURIComponent(s.id)}/edit` },
          state === 'expired' ? 'Recreate' : 'Edit',
        ),
      actions &&
        state !== 'expired' &&
        h('button', { type: 'button', class: 'danger', onclick: expire }, 'Expire'),
    ),
  );
}

async function renderSilences(params) {
  const state = params.get('state') ?? 'active';
  const filter = params.get('filter') ?? '';
  const q = new URLSearchParams();
  for (const m of splitMatchers(filter)) q.append('filter', m);
  const input = h('input', {
    name: 'filter',
    value: filter,
    placeholder: '{alertname="Example"}',
    'aria-label': 'Filter',
  });
  const form = h(
    'form',
    {
      class: 'toolbar',
      onsubmit: (e) => {
        e.preventDefault();
        navigate(hashWith('silences', { state, filter: input.value.trim() }));
      },
    },
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );
  let silences;
  try {
    silences = await api(`silences?${q}`);
  } catch (error) {
    return [h('h1', {}, 'Silences'), form, errorBox(error)];
  }
  const tabs = h(
    'nav',
    { class: 'tabs' },
    ['active', 'pending', 'expired'].map((s) =>
      h(
        'a',
        {
          href: hashWith('silences', { state: s, filter }),
          class: s === state ? 'current' : undefined,
          'data-state': s,
        },
        `${s[0].toUpperCase()}${s.slice(1)} (${silences.filter((x) => x.status.state === s).length})`,
      ),
    ),
  );
  const shown = silences.filter((s) => s.status.state === state);
  return [
    h('h1', {}, 'Silences'),
    form,
    tabs,
    shown.length > 0
      ? shown.map((s) => silenceCard(s))
      : h('div', { class: 'empty' }, `No ${state} silences.`),
  ];
}

async function renderSilence(id) {
  const silence = await api(`silence/${encodeURIComponent(id)}`);
  const q = new URLSearchParams({ silenced: true, inhibited: true, active: true });
  for (const m of silence.matchers) q.append('filter', matcherText(m));
  const alerts = silence.status.state === 'expired' ? [] : await api(`alerts?${q}`);
  return [
    h('h1', {}, 'Silence ', h('code', {}, silence.id)),
    silenceCard(silence),
    h('h2', { class: 'preview' }, `Affected alerts: ${alerts.length}`),
    alertList(alerts),
  ];
}

function matcherRow(m = { name: '', value: '', isRegex: false, isEqual: true }) {
  const op = operatorOf(m);
  const row = h(
    'div',
    { class: 'matcher-row' },
    h('input', { name: 'name', value: m.name, placeholder: 'label', 'aria-label': 'Label name' }),
    h(
      'select',
      { name: 'op', 'aria-label': 'Operator' },
      Object.keys(OPERATORS).map((o) => h('option', { value: o, selected: o === op }, o)),
    ),
    h('input', { name: 'value', value: m.value, placeholder: 'value', 'aria-label': 'Label value' }),
    h('button', { type: 'button', title: 'Remove matcher', onclick: () => row.remove() }, '×'),
  );
  return row;
}

async function renderSilenceForm(id, params) {
  let silence;
  if (id !== undefined) silence = await api(`silence/${encodeURIComponent(id)}`);
  // Editing an expired silence creates a new one from it, as upstream's "Recreate".
  const recreate = silence?.status.state === 'expired';
  const matchers =
    silence?.matchers ??
    (params.has('filter')
      ? splitMatchers(params.get('filter')).map(parseMatcher)
      : [{ name: '', value: '' }]);
  // An edit keeps the exact start: upstream updates an active silence in place only if it is unchanged.
  const startMs = silence && !recreate ? Date.parse(silence.startsAt) : Math.floor(Date.now() / 1000) * 1000;
  const endMs = silence && !recreate ? Date.parse(silence.endsAt) : startMs + 2 * HOUR_MS;

  const rows = h(
    'div',
    { class: 'matchers' },
    matchers.map((m) => matcherRow(m)),
  );
  const start = h('input', {
    name: 'startsAt',
    value: isoTime(startMs),
    'aria-label': 'Start',
  });
  const end = h('input', { name: 'endsAt', value: isoTime(endMs), 'aria-label': 'End' });
  const duration = h('input', {
    name: 'duration',
    value: formatDuration(endMs - startMs),
    size: 8,
    'aria-label': 'Duration',
  });
  const syncEnd = () => {
    const ms = Date.parse(start.value) + parseDuration(duration.value);
    if (!Number.isNaN(ms)) end.value = isoTime(ms);
  };
  const syncDuration = () => {
    const ms = Date.parse(end.value) - Date.parse(start.value);
    if (!Number.isNaN(ms)) duration.value = formatDuration(ms);
  };
  duration.addEventListener('input', syncEnd);
  start.addEventListener('input', syncEnd);
  end.addEventListener('input', syncDuration);
  const createdBy = h('input', {
    name: 'createdBy',
    value: silence?.createdBy ?? localStorage.getItem('argus.createdBy') ?? '',
  });
  const comment = h('textarea', { name: 'comment', rows: 3 }, silence?.comment ?? '');
  const messages = h('div', { class: 'messages' });
  const preview = h('div', { class: 'preview' });

  const readMatchers = () =>
    [...rows.querySelectorAll('.matcher-row')]
      .map((row) => ({
        name: row.querySelector('[name=name]').value.trim(),
        value: row.querySelector('[name=value]').value,
        ...OPERATORS[row.querySelector('[name=op]').value],
      }))
      .filter((m) => m.name !== '');

  const showPreview = async () => {
    messages.replaceChildren();
    const ms = readMatchers();
    if (ms.length === 0) return void messages.append(errorBox(new Error('Add at least one matcher.')));
    const q = new URLSearchParams({ silenced: true, inhibited: true, active: true });
    for (const m of ms) q.append('filter', matcherText(m));
    try {
      const alerts = await api(`alerts?${q}`);
      preview.replaceChildren(h('h2', {}, `Affected alerts: ${alerts.length}`), alertList(alerts));
    } catch (error) {
      preview.replaceChildren();
      messages.append(errorBox(error));
    }
  };

  const submit = async (event) => {
    event.preventDefault();
    messages.replaceChildren();
    const body = {
      ...(silence && !recreate ? { id: silence.id } : {}),
      matchers: readMatchers(),
      startsAt: start.value.trim(),
      endsAt: end.value.trim(),
      createdBy: createdBy.value.trim(),
      comment: comment.value.trim(),
    };
    const problem =
      body.matchers.length === 0
        ? 'Add at least one matcher.'
        : Number.isNaN(Date.parse(body.startsAt)) || Number.isNaN(Date.parse(body.endsAt))
          ? 'Start and end must be dates such as 2030-01-02T15:04:05Z.'
          : body.createdBy === ''
            ? 'Creator is required.'
            : body.comment === ''
              ? 'Comment is required.'
              : undefined;
    if (problem) return void messages.append(errorBox(new Error(problem)));
    try {
      const { silenceID } = await api('silences', { method: 'POST', body: JSON.stringify(body) });
      localStorage.setItem('argus.createdBy', body.createdBy);
      location.hash = `#/silences/${encodeURIComponent(silenceID)}`;
    } catch (error) {
      messages.append(errorBox(error));
    }
  };

  const editing = silence !== undefined && !recreate;
  return [
    h('h1', {}, editing ? 'Edit silence' : 'New silence'),
    messages,
    h(
      'form',
      { class: 'silence', onsubmit: submit },
      h('label', {}, 'Matchers'),
      h(
        'div',
        {},
        rows,
        h('button', { type: 'button', onclick: () => rows.append(matcherRow()) }, 'Add matcher'),
      ),
      h('label', {}, 'Start / duration / end'),
      h('div', { class: 'times' }, start, duration, end),
      h('label', {}, 'Creator'),
      createdBy,
      h('label', {}, 'Comment'),
      comment,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', name: 'preview', onclick: showPreview }, 'Preview alerts'),
        h('button', { type: 'submit', class: 'primary' }, editing ? 'Save' : 'Create'),
        h('a', { class: 'button', href: '#/silences' }, 'Cancel'),
      ),
    ),
    preview,
  ];
}

async function renderStatus() {
  const status = await api('status');
  const v = status.versionInfo;
  return [
    h('h1', {}, 'Status'),
    h(
      'table',
      { class: 'info' },
      [
        ['Uptime', `since ${fmtTime(status.uptime)}`],
        ['Version', `${v.version} (${v.revision})`],
        [
          'Cluster',
          `${status.cluster.status}${status.cluster.name ? `, peer ${status.cluster.name}` : ''}, ${(status.cluster.peers ?? []).length} peers`,
        ],
      ].map(([k, val]) => h('tr', {}, h('td', { class: 'muted' }, k), h('td', {}, val))),
    ),
    h('h2', {}, 'Config'),
    h('pre', { class: 'config' }, status.config.original),
  ];
}

// ---- Routing ----

let renderCount = 0;

/** Renders the view named by the hash; a slower earlier render never overwrites a later one. */
async function render() {
  const seq = ++renderCount;
  const raw = location.hash.replace(/^#\/?/, '');
  if (raw === '') return void location.replace('#/alerts');
  const q = raw.indexOf('?');
  const parts = (q < 0 ? raw : raw.slice(0, q))
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  for (const a of document.querySelectorAll('[data-nav]'))
    a.classList.toggle('current', a.dataset.nav === parts[0]);
  const view = document.getElementById('view');
  view.setAttribute('aria-busy', 'true');
  let content;
  try {
    if (parts[0] === 'alerts') content = await renderAlerts(params);
    else if (parts[0] === 'status') content = await renderStatus();
    else if (parts[0] === 'silences' && parts.length === 1) content = await renderSilences(params);
    else if (parts[0] === 'silences' && parts[1] === 'new')
      content = await renderSilenceForm(undefined, params);
    else if (parts[0] === 'silences' && parts[2] === 'edit')
      content = await renderSilenceForm(parts[1], params);
    else if (parts[0] === 'silences') content = await renderSilence(parts[1]);
    else content = [h('h1', {}, 'Not found'), h('p', {}, 'No such page: ', raw)];
  } catch (error) {
    content = errorBox(error);
  }
  if (seq !== renderCount) return;
  view.replaceChildren(...[content].flat(Infinity));
  view.removeAttribute('aria-busy');
}

window.addEventListener('hashchange', render);
render();
