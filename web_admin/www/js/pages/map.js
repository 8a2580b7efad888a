// The world map: every region a tile on the grid (loc_x/loc_y in region units, its size in 256 m
// cells, so var regions cover their whole footprint), coloured by state. Drag or arrow keys pan,
// the wheel or +/- zoom; a tile opens its details, an empty cell offers to create a region there.
// Regions, their operations and simulators reload when a matching event arrives (live.js).
import { get, listAll } from '../api.js';
import { liveRefresh } from '../live.js';
import { badge, clear, h } from '../ui.js';
import { createRegionDialog, editRegionDialog } from '../region_form.js';
import { regionState } from './regions.js';

const CELL = 48;

export async function render(main, ctx) {
  const loadOperations = () => get('/operations?limit=500').then((r) => r.items || []).catch(() => []);
  let [regions, operations] = await Promise.all([listAll('/regions'), loadOperations()]);
  let simulators = await listAll('/simulators').catch(() => []);
  const stateOf = (r) => regionState(r, operations, simulators);
  const view = initialView(regions, ctx.query);
  const viewport = h('div', { class: 'map-viewport', tabindex: '0', role: 'application', 'aria-label': 'World map: arrow keys pan, + and - zoom', 'data-testid': 'map' });
  const status = h('div', { class: 'map-status', 'aria-live': 'polite' }, 'Hover a cell to see its coordinates.');
  const details = h('aside', { class: 'map-details card' }, h('p', { class: 'muted' }, ctx.can('write') ? 'Click a tile for its details, or an empty cell to create a region there.' : 'Click a tile for its details.'));
  const zoomBy = (f) => { view.cell = Math.max(8, Math.min(160, view.cell * f)); draw(); };
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'World map'),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', 'aria-label': 'Zoom in', onclick: () => zoomBy(1.25) }, '+'),
        h('button', { type: 'button', 'aria-label': 'Zoom out', onclick: () => zoomBy(0.8) }, '−'),
        h('button', { type: 'button', onclick: () => { Object.assign(view, initialView(regions, new URLSearchParams())); draw(); } }, 'Fit'),
        legend())),
    h('div', { class: 'map-layout' }, h('div', { class: 'map-wrap' }, viewport, status), details));

  function cellAt(event) {
    const rect = viewport.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    return {
      x: Math.floor(view.cx + (px - rect.width / 2) / view.cell),
      y: Math.floor(view.cy - (py - rect.height / 2) / view.cell),
    };
  }
  const regionAt = (x, y) => regions.find((r) => x >= r.loc_x && x < r.loc_x + Math.max(1, r.size_x / 256) && y >= r.loc_y && y < r.loc_y + Math.max(1, r.size_y / 256));

  function draw() {
    const w = viewport.clientWidth;
    const ht = viewport.clientHeight;
    const offX = (w / 2 - view.cx * view.cell) % view.cell;
    const offY = (ht / 2 + view.cy * view.cell) % view.cell;
    viewport.style.backgroundSize = `${view.cell}px ${view.cell}px`;
    viewport.style.backgroundPosition = `${offX}px ${offY}px`;
    const tiles = regions.map((r) => {
      const nx = Math.max(1, r.size_x / 256);
      const ny = Math.max(1, r.size_y / 256);
      const left = w / 2 + (r.loc_x - view.cx) * view.cell;
      const top = ht / 2 - (r.loc_y + ny - view.cy) * view.cell;
      if (left > w || top > ht || left + nx * view.cell < 0 || top + ny * view.cell < 0) return null;
      const state = stateOf(r);
      return h('button', {
        type: 'button', class: 'tile tile-' + state, 'data-region': r.name, title: `${r.name} (${r.loc_x}, ${r.loc_y}) ${r.size_x}×${r.size_y} m · ${state}`,
        style: { left: left + 'px', top: top + 'px', width: nx * view.cell + 'px', height: ny * view.cell + 'px' },
        onclick: (e) => { e.stopPropagation(); showRegion(r, state); },
      }, view.cell * nx >= 40 ? h('span', { class: 'tile-label' }, r.name) : null,
      view.cell * nx >= 70 && view.cell * ny >= 40 ? h('span', { class: 'tile-sub' }, `${r.loc_x},${r.loc_y}`) : null);
    });
    viewport.replaceChildren(...tiles.filter(Boolean));
  }

  function showRegion(r, state) {
    clear(details,
      h('h2', {}, r.name), badge(state),
      h('dl', { class: 'kv' },
        h('dt', {}, 'Location'), h('dd', {}, `${r.loc_x}, ${r.loc_y}`),
        h('dt', {}, 'Size'), h('dd', {}, `${r.size_x} × ${r.size_y} m`),
        h('dt', {}, 'Host'), h('dd', {}, r.placement_state === 'pending' ? '— (pending)' : `${r.host}:${r.port}`),
        r.placement_state === 'pending' ? [h('dt', {}, 'placement_reasons'), h('dd', {}, (r.placement_reasons || []).join('; '))] : null,
        h('dt', {}, 'Version'), h('dd', {}, r.version),
        h('dt', {}, 'Physics'), h('dd', {}, r.physics_type)),
      h('div', { class: 'toolbar' },
        h('a', { class: 'button', href: '/regions/' + r.id }, 'Open region'),
        ctx.can('write') ? h('button', { type: 'button', onclick: async () => { if (await editRegionDialog(r)) ctx.refresh(); } }, 'Edit') : null));
  }

  async function emptyCell(x, y) {
    if (!ctx.can('write')) {
      clear(details, h('h2', {}, `Cell ${x}, ${y}`), h('p', { class: 'muted' }, 'No region here.'));
      return;
    }
    const created = await createRegionDialog({ loc_x: x, loc_y: y });
    if (created) {
      [regions, operations] = await Promise.all([listAll('/regions'), loadOperations()]);
      draw();
      showRegion(created, stateOf(created));
    }
  }

  let drag = null;
  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy, moved: false };
  });
  viewport.addEventListener('pointermove', (e) => {
    const c = cellAt(e);
    const r = regionAt(c.x, c.y);
    status.textContent = `Cell ${c.x}, ${c.y}` + (r ? ` · ${r.name}` : ' · empty');
    if (!drag) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 5) return;
    if (!drag.moved) viewport.setPointerCapture(e.pointerId);
    drag.moved = true;
    view.cx = drag.cx - dx / view.cell;
    view.cy = drag.cy + dy / view.cell;
    draw();
  });
  viewport.addEventListener('pointerup', (e) => {
    const wasDrag = drag?.moved;
    drag = null;
    if (wasDrag || e.target.closest('.tile')) return;
    const c = cellAt(e);
    const r = regionAt(c.x, c.y);
    if (r) showRegion(r, stateOf(r));
    else emptyCell(c.x, c.y);
  });
  viewport.addEventListener('wheel', (e) => {
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15);
  }, { passive: false });
  viewport.addEventListener('keydown', (e) => {
    const step = 1;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      view.cx += moves[e.key][0];
      view.cy += moves[e.key][1];
      draw();
      e.preventDefault();
    } else if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (e.key === 'Enter' && e.target === viewport && ctx.can('write')) emptyCell(Math.floor(view.cx), Math.floor(view.cy));
  });
  const observer = new ResizeObserver(draw);
  observer.observe(viewport);
  draw();
  let left = false;
  const stopLive = liveRefresh(['org.vergegrid.region.', 'org.vergegrid.simulator.', 'org.vergegrid.operation.', 'org.vergegrid.estate.'], async () => {
    const next = await Promise.all([listAll('/regions'), loadOperations(), listAll('/simulators').catch(() => simulators)]);
    if (left) return;
    [regions, operations, simulators] = next;
    draw();
  });
  return () => {
    left = true;
    stopLive();
    observer.disconnect();
  };
}

// Centred on the regions' bounding box (or ?x=&y=, or cell 1000,1000 on an empty grid).
function initialView(regions, q) {
  if (q.get('x') && q.get('y')) return { cx: Number(q.get('x')) + 0.5, cy: Number(q.get('y')) + 0.5, cell: CELL };
  if (!regions.length) return { cx: 1000.5, cy: 1000.5, cell: CELL };
  const minX = Math.min(...regions.map((r) => r.loc_x));
  const minY = Math.min(...regions.map((r) => r.loc_y));
  const maxX = Math.max(...regions.map((r) => r.loc_x + r.size_x / 256));
  const maxY = Math.max(...regions.map((r) => r.loc_y + r.size_y / 256));
  const span = Math.max(maxX - minX, maxY - minY, 4);
  return { cx: Math.floor((minX + maxX) / 2) + 0.5, cy: Math.floor((minY + maxY) / 2) + 0.5, cell: Math.max(12, Math.min(CELL, 900 / (span + 4))) };
}

function legend() {
  return h('div', { class: 'legend', 'aria-label': 'Legend' },
    ['online', 'pending', 'delivered', 'failed', 'offline', 'unplaced', 'placement-pending', 'disabled'].map((s) => h('span', { class: 'legend-item' }, h('span', { class: 'swatch tile-' + s }), s)));
}
