// "New region from snapshot": POST /api/v1/regions with "from_snapshot". The region takes the
// configuration the snapshot was taken with (fields given here override it) and its state is
// restored into it: how a persistent region's final snapshot brings it back after a delete.
import { listAll, post } from './api.js';
import { dialog, field, formValue, h, submitWith, toast } from './ui.js';

const isInt = (v, min, max) => v !== '' && Number.isInteger(Number(v)) && Number(v) >= min && Number(v) <= max;

// Resolves with the created region, or null.
export async function newRegionFromSnapshotDialog(s) {
  const simulators = (await listAll('/simulators').catch(() => [])).filter((x) => x.state !== 'revoked');
  return dialog('New region from snapshot', (close) => {
    const form = h('form', { class: 'form-grid', novalidate: true, 'aria-label': 'New region from snapshot' },
      h('p', { class: 'span-2 muted' }, `A new region with the configuration ${s.region_name || 'the region'} had at ${s.region_version}, then its state loaded from this snapshot. Leave a field empty to keep the snapshot's.`),
      field({ name: 'name', label: 'Name', value: s.region_name || '', autofocus: true }),
      field({ name: 'simulator_id', label: 'Pin to simulator', options: [['', '— placement chooses —'], ...simulators.map((x) => [x.id, `${x.hostname} (${x.state})`])] }),
      field({ name: 'loc_x', label: 'Grid X', type: 'number', min: 0, placeholder: 'as in the snapshot' }),
      field({ name: 'loc_y', label: 'Grid Y', type: 'number', min: 0, placeholder: 'as in the snapshot' }),
      h('div', { class: 'actions span-2' },
        h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, 'Create region')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (n) => formValue(form, n).trim();
      const created = await submitWith(form, [
        ['name', v('name') !== '' && v('name').length <= 64, 'A name of 1 to 64 characters.'],
        ['loc_x', v('loc_x') === '' || isInt(v('loc_x'), 0, 16777215), 'A whole number from 0, or empty.'],
        ['loc_y', v('loc_y') === '' || isInt(v('loc_y'), 0, 16777215), 'A whole number from 0, or empty.'],
        ['loc_y', (v('loc_x') === '') === (v('loc_y') === ''), 'Give both grid coordinates or neither.'],
      ], () => {
        const body = { from_snapshot: s.id, name: v('name') };
        if (v('loc_x') !== '') Object.assign(body, { loc_x: Number(v('loc_x')), loc_y: Number(v('loc_y')) });
        if (v('simulator_id')) body.placement = { simulator_id: v('simulator_id') };
        return post('/regions', body);
      });
      if (created) {
        toast(`Region ${created.name} created from the snapshot; its state is being restored`, 'ok');
        close(created);
      }
    });
    return form;
  });
}
