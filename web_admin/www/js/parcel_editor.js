// A template's parcel layout: a plan of the region with each parcel as a rectangle (north up, as
// the viewer's map shows it: y grows northwards) and a row of numbers per parcel (name, x, y,
// width, height in metres) to add, remove, resize and name them. The inputs are named as the API
// names the fields ("parcel_layout[1].width"), so the server's refusal lands beside the number it
// refuses; a refusal of the whole layout ("does not fit") lands beside the plan.
import { field, h } from './ui.js';

const PLAN_PX = 240;
const KEYS = ['name', 'x', 'y', 'width', 'height'];
const num = (v) => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

// `initial`: the layout as the API gives it; `size()`: the region's [size_x, size_y] as edited.
// Returns { element, value(), redraw(), onChange(fn) }.
export function parcelEditor(initial, { size }) {
  const listeners = [];
  const plan = h('div', { class: 'parcel-plan', role: 'img', 'aria-label': 'Parcel plan', 'data-testid': 'parcel-plan' });
  const rows = h('div', { class: 'parcel-rows' });
  const error = h('div', { class: 'field-error', role: 'alert' });
  const add = h('button', { type: 'button', class: 'small' }, '+ Add parcel');
  const element = h('div', { class: 'field parcel-editor', dataset: { field: 'parcel_layout' } },
    error, h('div', { class: 'parcel-layout' }, plan, h('div', {}, rows, add)));

  const value = () => [...rows.querySelectorAll('.parcel-row')].map((row) => Object.fromEntries(KEYS.map((k) => {
    const raw = row.querySelector(`[data-key="${k}"]`).value;
    return [k, k === 'name' ? raw.trim() : num(raw)];
  })));

  const redraw = () => {
    const [sx, sy] = size();
    plan.style.height = Math.round(PLAN_PX * Math.min(4, sy / sx)) + 'px';
    plan.replaceChildren(...value().map((p, i) => {
      const ok = [p.x, p.y, p.width, p.height].every(Number.isFinite);
      const outside = ok && (p.x + p.width > sx || p.y + p.height > sy);
      return h('button', {
        type: 'button', class: 'parcel-rect' + (outside ? ' parcel-outside' : ''), hidden: !ok, title: `${p.name}: ${p.width}×${p.height} m at ${p.x}, ${p.y}`,
        dataset: { index: i }, 'aria-label': `Parcel ${i + 1} ${p.name}`,
        style: ok ? {
          left: (100 * p.x / sx) + '%', width: (100 * p.width / sx) + '%',
          top: (100 * (sy - p.y - p.height) / sy) + '%', height: (100 * p.height / sy) + '%',
        } : {},
        onclick: () => rows.querySelectorAll('.parcel-row')[i]?.querySelector('input')?.focus(),
      }, p.name);
    }));
  };

  const changed = () => {
    redraw();
    listeners.forEach((fn) => fn());
  };

  const render = (parcels) => {
    rows.replaceChildren(...parcels.map((p, i) => {
      const cell = (k, label, type) => {
        const wrap = field({ name: `parcel_layout[${i}].${k}`, label: `Parcel ${i + 1} ${label}`, type, value: p[k] ?? '' });
        wrap.querySelector('input').dataset.key = k;
        return wrap;
      };
      return h('div', { class: 'parcel-row', dataset: { index: i } },
        cell('name', 'name'), cell('x', 'x (m)', 'number'), cell('y', 'y (m)', 'number'),
        cell('width', 'width (m)', 'number'), cell('height', 'height (m)', 'number'),
        h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove parcel ${i + 1}`,
          onclick: () => { render(value().filter((_, j) => j !== i)); changed(); } }, 'Remove'));
    }));
    if (!parcels.length) rows.append(h('p', { class: 'muted' }, 'No parcels: the region is one parcel.'));
    redraw();
  };

  add.addEventListener('click', () => {
    const [sx, sy] = size();
    const parcels = value();
    render([...parcels, { name: `Parcel ${parcels.length + 1}`, x: 0, y: 0, width: Math.min(64, sx), height: Math.min(64, sy) }]);
    changed();
  });
  rows.addEventListener('input', redraw);

  render(initial);
  return { element, value, redraw, onChange: (fn) => listeners.push(fn) };
}
