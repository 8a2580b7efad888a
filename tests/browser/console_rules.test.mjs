// The console's own rules, without a browser: the parts a snapshot takes by the region's mode,
// what the restore dialog promises, byte sizes, and which version part and sync class the edit
// preview gives the issue-19 fields; what the region page says of a field's standing on the
// simulator (issue 12: pending_restart first, else the newest finished operation's outcome) and
// which changed fields the edit form names as applying on restart. The modules are the ones
// served (web_admin/www/js).
import { expect, run } from './harness.mjs';

const www = new URL('../../web_admin/www/js/', import.meta.url);
const { ALWAYS_PARTS, OPTIONAL_PARTS, defaultParts, restoreSteps } = await import(new URL('snapshots.js', www));
const { formatBytes } = await import(new URL('op_progress.js', www));
const { bumpOf, onRestartFields, syncClassOf } = await import(new URL('region_form.js', www));
const { fieldStatus, lastOutcomes, valueAt } = await import(new URL('region_settings.js', www));

await run('browser.console_rules', async () => {
  const parts = { prims: true, mesh: false, script_state: true, object_metadata: false, texture_refs: false, inventory_refs: false };
  expect(defaultParts({ region_state_mode: 'minimal', state_parts: parts }).join() === ALWAYS_PARTS.join(), 'minimal: the always-saved parts');
  expect(defaultParts({ region_state_mode: 'full' }).join() === [...ALWAYS_PARTS, ...OPTIONAL_PARTS].join(), 'full: every part');
  expect(defaultParts({ region_state_mode: 'hybrid', state_parts: parts }).join() === [...ALWAYS_PARTS, 'prims', 'script_state'].join(), 'hybrid: the switched-on parts');
  expect(defaultParts({ region_state_mode: 'hybrid' }).join() === ALWAYS_PARTS.join(), 'hybrid without state_parts: the always-saved parts');

  const snapshot = { parts: ['terrain', 'prims'], region_version: '1.0.0' };
  const persistent = restoreSteps({ name: 'Vault', lifecycle: 'persistent', version: '1.0.0' }, snapshot).join(' ');
  expect(persistent.includes('before-restore safety snapshot') && persistent.includes('the region is cleared first'), persistent);
  expect(persistent.includes('does not change'), 'same version: no rollback: ' + persistent);
  const ephemeral = restoreSteps({ name: 'Vault', lifecycle: 'ephemeral', version: '2.0.0' }, snapshot).join(' ');
  expect(ephemeral.includes('no safety snapshot') && !ephemeral.includes('before-restore'), ephemeral);
  expect(ephemeral.includes('rolled back to it too'), 'another version: rolled back too: ' + ephemeral);

  for (const [bytes, text] of [[0, '0 B'], [1023, '1023 B'], [1536, '1.50 KiB'], [200 * 1024 ** 2, '200.0 MiB'], [1024 ** 3, '1.00 GiB'], [null, '—']]) {
    expect(formatBytes(bytes) === text, `formatBytes(${bytes}) = ${formatBytes(bytes)}, not ${text}`);
  }

  expect(bumpOf('lifecycle') === 'patch' && syncClassOf('lifecycle') === 'none', 'lifecycle: a patch, no operation');
  expect(bumpOf('state_parts.mesh') === 'patch' && syncClassOf('state_parts.mesh') === 'none', 'state_parts: a patch, no operation');
  expect(bumpOf('region_state_mode') === 'minor' && syncClassOf('region_state_mode') === 'eager', 'region_state_mode: minor, eager');
  expect(bumpOf('physics_type') === 'major' && bumpOf('flags.max_agents') === 'patch' && syncClassOf('flags.max_agents') === 'lazy', 'the older rules hold');

  // Operations come newest first; an open one has no outcome yet.
  const ops = [
    { state: 'delivered', result: null },
    { state: 'succeeded', result: { fields: { physics_type: { status: 'applied-on-restart' } } } },
    { state: 'failed', result: { fields: { 'flags.max_agents': { status: 'failed', reason: 'refused' }, physics_type: { status: 'pending-restart' } } } },
    { state: 'succeeded', result: { fields: { 'flags.max_agents': { status: 'applied' }, 'environment.water_height': { status: 'pending-restart' } } } },
  ];
  const outcomes = lastOutcomes(ops);
  expect(outcomes.physics_type.status === 'applied-on-restart', 'the newest outcome wins: ' + JSON.stringify(outcomes.physics_type));
  expect(outcomes['flags.max_agents'].status === 'failed' && outcomes['flags.max_agents'].operation === ops[2], 'with its operation');
  const region = { pending_restart: ['flags.max_prims'], flags: { max_prims: 15000 } };
  expect(fieldStatus('flags.max_prims', region, outcomes).status === 'pending-restart', 'the region\'s pending_restart first');
  expect(fieldStatus('flags.max_agents', region, outcomes).reason === 'refused', 'else the last outcome, with its reason');
  expect(fieldStatus('environment.water_height', region, outcomes) === null, 'a pending-restart the region no longer lists was applied since: no claim');
  expect(fieldStatus('name', region, outcomes) === null, 'no outcome: none');
  expect(valueAt(region, 'flags.max_prims') === 15000 && valueAt(region, 'terrain.raise_limit') === undefined, 'values by dotted path');

  const table = [{ path: 'physics_type', application: 'on-restart' }, { path: 'flags.max_agents', application: 'live' }, { path: 'draw_distance_cap', application: 'unsupported' }];
  const changed = ['physics_type', 'flags.max_agents', 'draw_distance_cap', 'lifecycle'].map((field) => ({ field }));
  expect(onRestartFields(table, changed).join() === 'physics_type', 'only on-restart fields need the restart: ' + onRestartFields(table, changed));
  expect(onRestartFields(null, changed).length === 0, 'no table (older control plane): none named');
});
