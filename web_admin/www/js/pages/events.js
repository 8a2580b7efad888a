// Events: the live feed of CloudEvents (GET /api/v1/events/stream), newest first. The filters are
// the stream's own query parameters: `type` (exact types or prefixes ending in "*", separated by
// commas), `subject` (entity ids, separated by commas) and `after` (replay from a sequence number;
// empty: from now, plus what this console already saw since it connected). A row opens the event's
// whole CloudEvent.
import { query } from '../api.js';
import { clear, dialog, emptyRow, field, h, time } from '../ui.js';
import { StreamReader, filterMatches, lastSeq, recentEvents } from '../live.js';

const SHOWN_MAX = 500;

export async function render(main, ctx) {
  const filters = h('form', { class: 'filters', 'aria-label': 'Filter events' },
    field({ name: 'type', label: 'Type', placeholder: 'org.vergegrid.region.*', value: ctx.query.get('type') || '' }),
    field({ name: 'subject', label: 'Subject', placeholder: 'an entity id', value: ctx.query.get('subject') || '' }),
    field({ name: 'after', label: 'After seq', type: 'number', min: 0, placeholder: 'now', value: ctx.query.get('after') || '' }));
  const state = h('span', { class: 'live', 'data-testid': 'events-state' }, 'live');
  const status = h('div', { 'aria-live': 'polite' });
  const body = h('tbody');
  const heads = ['Seq', 'Time', 'Type', 'Subject', 'Source'];
  clear(main, h('header', { class: 'page-head' }, h('h1', {}, 'Events'), state),
    h('div', { class: 'card' }, filters, status,
      h('table', { class: 'table', 'aria-label': 'Events' }, h('thead', {}, h('tr', {}, heads.map((t) => h('th', {}, t)))), body)));

  let rows = [];
  let reader = null;
  const params = () => ({ type: filters.elements.type.value.trim(), subject: filters.elements.subject.value.trim(), after: filters.elements.after.value.trim() });

  function row({ seq, event }) {
    return h('tr', { class: 'event-row', tabindex: '0', 'data-seq': seq ?? '', 'data-type': event.type,
      onclick: () => details(seq, event), onkeydown: (e) => { if (e.key === 'Enter') details(seq, event); } },
    h('td', { class: 'mono' }, seq ?? '—'), h('td', {}, time(event.time)), h('td', { class: 'mono' }, event.type),
    h('td', { class: 'mono' }, event.subject || '—'), h('td', { class: 'mono muted' }, event.source || ''));
  }

  function paint() {
    clear(body, rows.length ? rows.map(row) : emptyRow(heads.length, 'No events yet: they appear here as they happen.'));
  }

  function add(event, seq) {
    if (seq !== null && rows.some((r) => r.seq === seq)) return;
    rows.unshift({ seq, event });
    if (rows.length > SHOWN_MAX) rows.length = SHOWN_MAX;
    body.querySelector('td.empty')?.closest('tr').remove();
    body.prepend(row({ seq, event }));
    while (body.children.length > SHOWN_MAX) body.lastElementChild.remove();
  }

  function start() {
    if (reader) reader.stop();
    clear(status);
    const p = params();
    let from = p.after;
    if (from === '') {
      // What the console's own stream already saw, then on from where it got to: no gap.
      const seen = recentEvents().filter((r) => filterMatches(p, r.event));
      rows = seen.reverse().slice(0, SHOWN_MAX);
      const head = lastSeq();
      if (head !== null) from = String(head);
    } else {
      rows = [];
    }
    paint();
    reader = new StreamReader({
      params: { type: p.type, subject: p.subject, after: from },
      onEvent: add,
      onStatus(s, detail) {
        state.dataset.state = s;
        state.textContent = s === 'live' ? 'live' : s === 'reconnecting' ? 'reconnecting…' : 'stopped';
        if (s === 'off' && detail) {
          clear(status, h('div', { class: 'form-error', role: 'alert', 'data-testid': 'events-error' }, 'The stream refused the filter: ' + detail));
        } else if (s === 'reconnecting') {
          clear(status, h('div', { class: 'banner banner-warn', 'data-testid': 'events-error' }, 'The stream failed (' + detail + '); reconnecting.'));
        } else {
          clear(status);
        }
      },
    });
    reader.start();
  }

  let debounce = null;
  const changed = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      history.replaceState({}, '', '/events' + query(params()));
      start();
    }, 400);
  };
  filters.addEventListener('input', changed);
  filters.addEventListener('change', changed);
  filters.addEventListener('submit', (e) => e.preventDefault());
  start();
  return () => {
    clearTimeout(debounce);
    if (reader) reader.stop();
  };
}

function details(seq, event) {
  return dialog(`${event.type}${seq !== null ? ' · seq ' + seq : ''}`, (close) => h('div', {},
    h('dl', { class: 'kv' },
      h('dt', {}, 'id'), h('dd', { class: 'mono' }, event.id),
      h('dt', {}, 'subject'), h('dd', { class: 'mono' }, event.subject || '—'),
      h('dt', {}, 'time'), h('dd', {}, event.time || '—')),
    h('pre', { class: 'event-json mono', 'data-testid': 'event-json' }, JSON.stringify(event, null, 2)),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => close(true) }, 'Close'))), { wide: true });
}
