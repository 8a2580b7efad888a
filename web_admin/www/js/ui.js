// Small DOM helpers shared by the pages: element builder, toasts, dialogs, forms with field
// errors, state badges, diffs and times. Text always goes in as text nodes (never HTML).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function toast(message, kind = 'info') {
  const box = h('div', { class: 'toast toast-' + kind, role: kind === 'error' ? 'alert' : 'status' }, message);
  const list = document.getElementById('toasts');
  list.append(box);
  while (list.children.length > 3) list.firstElementChild.remove();
  setTimeout(() => box.remove(), kind === 'error' ? 8000 : 3000);
}

// A modal dialog; resolves with the value passed to close(), or null when dismissed.
export function dialog(title, build, { wide = false } = {}) {
  return new Promise((resolve) => {
    const d = h('dialog', { class: 'modal' + (wide ? ' modal-wide' : ''), 'aria-label': title });
    const close = (value = null) => {
      d.close();
      d.remove();
      resolve(value);
    };
    d.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(null);
    });
    d.append(
      h('header', { class: 'modal-head' }, h('h2', {}, title),
        h('button', { class: 'icon-button', type: 'button', 'aria-label': 'Close', onclick: () => close(null) }, '×')),
      h('div', { class: 'modal-body' }, build(close)),
    );
    document.body.append(d);
    d.showModal();
    const focus = d.querySelector('[autofocus]') || d.querySelector('input, select, textarea, button.primary');
    if (focus) focus.focus();
  });
}

export function confirmDialog(title, message, confirmLabel = 'Confirm', danger = true) {
  return dialog(title, (close) => h('div', {},
    h('p', {}, message),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'),
      h('button', { type: 'button', class: danger ? 'danger' : 'primary', autofocus: true, onclick: () => close(true) }, confirmLabel))));
}

// A labelled input. `spec`: {name, label, type, value, required, min, max, step, options, hint,
// pattern, placeholder}. The error slot beside it shows validation and API field errors.
export function field(spec) {
  const id = 'f-' + spec.name.replace(/[^a-z0-9]/gi, '-') + '-' + Math.random().toString(36).slice(2, 7);
  let input;
  if (spec.options) {
    input = h('select', { id, name: spec.name, required: spec.required },
      spec.options.map((o) => {
        const [value, label] = Array.isArray(o) ? o : [o, o];
        return h('option', { value, selected: String(value) === String(spec.value ?? '') }, label);
      }));
  } else if (spec.type === 'textarea') {
    input = h('textarea', { id, name: spec.name, rows: spec.rows || 6, required: spec.required });
    input.value = spec.value ?? '';
  } else if (spec.type === 'checkbox') {
    input = h('input', { id, name: spec.name, type: 'checkbox', checked: !!spec.value });
  } else {
    input = h('input', {
      id, name: spec.name, type: spec.type || 'text', required: spec.required, min: spec.min, max: spec.max,
      step: spec.step, pattern: spec.pattern, placeholder: spec.placeholder, autocomplete: spec.autocomplete || 'off',
      readonly: spec.readonly,
    });
    input.value = spec.value ?? '';
  }
  if (spec.autofocus) input.setAttribute('autofocus', '');
  const error = h('div', { class: 'field-error', id: id + '-error', role: 'alert' });
  input.setAttribute('aria-describedby', id + '-error');
  const wrap = h('div', { class: 'field' + (spec.type === 'checkbox' ? ' field-check' : ''), dataset: { field: spec.name } },
    h('label', { for: id }, spec.label), input, spec.hint ? h('div', { class: 'hint' }, spec.hint) : null, error);
  return wrap;
}

export function formValue(form, name) {
  const el = form.elements[name];
  if (!el) return undefined;
  if (el.type === 'checkbox') return el.checked;
  return el.value;
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => (e.textContent = ''));
  form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
}

// Shows `message` beside the field the API (or the client check) named; falls back to the
// form's general error line when no field of that name is in the form.
export function showError(form, fieldName, message) {
  const names = [fieldName, (fieldName || '').split('.')[0], (fieldName || '').split('[')[0]];
  for (const name of names) {
    const wrap = name && form.querySelector(`.field[data-field="${CSS.escape(name)}"]`);
    if (wrap) {
      wrap.classList.add('invalid');
      wrap.querySelector('.field-error').textContent = message;
      const input = wrap.querySelector('input, select, textarea');
      if (input) input.focus();
      return;
    }
  }
  let general = form.querySelector('.form-error');
  if (!general) {
    general = h('div', { class: 'form-error', role: 'alert' });
    form.prepend(general);
  }
  general.textContent = (fieldName ? fieldName + ': ' : '') + message;
}

// Runs `send` when the client-side `checks` pass; API errors land beside their field.
export async function submitWith(form, checks, send) {
  clearErrors(form);
  for (const [name, ok, message] of checks) {
    if (!ok) {
      showError(form, name, message);
      return undefined;
    }
  }
  const buttons = form.querySelectorAll('button[type=submit]');
  buttons.forEach((b) => (b.disabled = true));
  try {
    return await send();
  } catch (e) {
    showError(form, e.field, e.message);
    return undefined;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

export const STATE_CLASS = {
  online: 'ok', succeeded: 'ok', enabled: 'ok', complete: 'ok', registered: 'info', delivered: 'info', saving: 'info', pending: 'warn',
  cordoned: 'warn', offline: 'bad', ok: 'ok', broken: 'bad', active: 'ok', paused: 'warn', dead: 'bad', failed: 'bad', revoked: 'bad', disabled: 'muted', unplaced: 'muted', 'placement-pending': 'warn',
};

export function badge(state) {
  return h('span', { class: 'badge badge-' + (STATE_CLASS[state] || 'muted') }, state);
}

export function ago(iso) {
  if (!iso) return 'never';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds < 0) return 'in ' + ago(new Date(Date.now() + seconds * 1000 * 2).toISOString()).replace(' ago', '');
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
  if (seconds < 86400) return Math.floor(seconds / 3600) + ' h ago';
  return Math.floor(seconds / 86400) + ' d ago';
}

export function time(iso) {
  return h('time', { datetime: iso || '', title: iso || '' }, ago(iso));
}

export function bar(label, value, max) {
  const ratio = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  const level = ratio > 0.9 ? 'bad' : ratio > 0.7 ? 'warn' : 'ok';
  return h('div', { class: 'bar', title: `${label}: ${Math.round(ratio * 100)}%` },
    h('span', { class: 'bar-label' }, label),
    h('span', { class: 'bar-track', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(ratio * 100), 'aria-label': label },
      h('span', { class: 'bar-fill bar-' + level, style: { width: (ratio * 100).toFixed(1) + '%' } })),
    h('span', { class: 'bar-value' }, max === 1 ? Math.round(ratio * 100) + '%' : `${value}/${max}`));
}

// Flattens nested JSON into dotted paths, as the API's change lists name fields.
export function flatten(value, prefix = '', out = {}) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? prefix + '.' + k : k, out);
  } else {
    out[prefix] = value;
  }
  return out;
}

export function diffSpecs(before, after) {
  const a = flatten(before || {});
  const b = flatten(after || {});
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => ({ field: k, from: a[k], to: b[k] }));
}

export function show(value) {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function diffTable(changes, extraColumns = []) {
  if (!changes.length) return h('p', { class: 'muted' }, 'No differences.');
  return h('table', { class: 'table diff' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Field'), h('th', {}, 'From'), h('th', {}, 'To'), extraColumns.map((c) => h('th', {}, c.label)))),
    h('tbody', {}, changes.map((c) => h('tr', {},
      h('td', { class: 'mono' }, c.field), h('td', { class: 'diff-from mono' }, show(c.from)),
      h('td', { class: 'diff-to mono' }, show(c.to)), extraColumns.map((col) => h('td', {}, col.render(c)))))));
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function emptyRow(columns, message) {
  return h('tr', {}, h('td', { colspan: columns, class: 'empty' }, message));
}
