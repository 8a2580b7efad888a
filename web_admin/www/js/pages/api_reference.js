// API reference: the REST API as the server describes itself (GET /api/v1/openapi.json, an
// OpenAPI 3.1 document generated from its route table), rendered here without any outside
// viewer: by tag, each route with its method, path, permission and summary; opened, its
// parameters and its request and response schemas, each referenced schema collapsible.
import { get } from '../api.js';
import { clear, h } from '../ui.js';

const METHOD_CLASS = { get: 'info', post: 'ok', put: 'warn', patch: 'warn', delete: 'bad' };
const PERMISSION_CLASS = { anyone: 'ok', read: 'info', write: 'warn', admin: 'bad', simulator: 'muted' };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

// The object a local "#/a/b" reference names, or undefined.
export function resolveRef(doc, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

// A schema's type in a few words: "string (uuid)", "integer 1–500", "array of Region",
// "one of: a, b", "Region" for a reference.
export function typeWords(schema, doc) {
  if (!schema || typeof schema !== 'object') return 'any';
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    const target = doc ? resolveRef(doc, schema.$ref) : undefined;
    // A named enum or scalar says what it is; an object opens below.
    return target && !target.properties && !target.items && !target.anyOf && !target.oneOf ? `${name}: ${typeWords(target, doc)}` : name;
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return 'one of: ' + schema.enum.map((v) => JSON.stringify(v)).join(', ');
  for (const key of ['anyOf', 'oneOf']) {
    if (schema[key]) return schema[key].map((s) => typeWords(s, doc)).join(' | ');
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const words = types.map((t) => (t === 'array' ? 'array of ' + typeWords(schema.items, doc) : t));
  let text = words.length ? words.join(' | ') : 'any';
  if (schema.format) text += ` (${schema.format})`;
  const range = [];
  if ('minimum' in schema || 'maximum' in schema) range.push(`${schema.minimum ?? '…'}–${schema.maximum ?? '…'}`);
  if (schema.multipleOf) range.push(`× ${schema.multipleOf}`);
  if (schema.maxLength) range.push(`≤ ${schema.maxLength} chars`);
  if (schema.maxItems) range.push(`≤ ${schema.maxItems} items`);
  return range.length ? `${text} ${range.join(', ')}` : text;
}

// The members of an object schema as a table; a nested object or a reference opens below its
// row (built when opened, so that schemas referring to each other never loop).
function schemaView(doc, schema, depth = 0) {
  const target = schema && schema.$ref ? resolveRef(doc, schema.$ref) : schema;
  if (!target || typeof target !== 'object') return h('p', { class: 'muted' }, 'Any JSON value.');
  const parts = [];
  if (target.description) parts.push(h('p', { class: 'api-text' }, target.description));
  if (target.type === 'array' || (Array.isArray(target.type) && target.type.includes('array'))) {
    parts.push(h('p', {}, 'An array of ', h('code', {}, typeWords(target.items))));
    if (target.items) parts.push(nested(doc, target.items, depth));
  }
  for (const key of ['anyOf', 'oneOf']) {
    if (target[key]) {
      parts.push(h('p', {}, key === 'anyOf' ? 'Any of:' : 'One of:'));
      parts.push(target[key].map((s) => nested(doc, s, depth, true)));
    }
  }
  if (target.properties) {
    const required = new Set(target.required || []);
    parts.push(h('table', { class: 'table api-schema' },
      h('thead', {}, h('tr', {}, ['Field', 'Type', 'Required', 'Description'].map((t) => h('th', {}, t)))),
      h('tbody', {}, Object.entries(target.properties).map(([name, prop]) => h('tr', {},
        h('td', { class: 'mono' }, name),
        h('td', { class: 'mono' }, typeWords(prop, doc), nested(doc, prop, depth)),
        h('td', {}, required.has(name) ? 'yes' : ''),
        h('td', {}, prop.description || ''))))));
    parts.push(h('p', { class: 'muted api-text' }, target.additionalProperties === false
      ? 'Other fields are refused.' : 'Other fields may appear.'));
  } else if (!target.items && !target.anyOf && !target.oneOf) {
    parts.push(h('p', {}, h('code', {}, typeWords(target))));
  }
  return h('div', { class: 'api-schema-view' }, parts);
}

// A collapsible view of a sub-schema worth opening (an object, a reference, an array of them).
function nested(doc, schema, depth, always = false) {
  if (!schema || depth > 8) return null;
  const target = schema.$ref ? resolveRef(doc, schema.$ref) : schema;
  const inner = target && (target.properties || target.anyOf || target.oneOf ||
    (target.items && (target.items.$ref || target.items.properties)));
  if (!inner && !always) return null;
  const box = h('details', { class: 'api-nested' }, h('summary', {}, schema.$ref ? schema.$ref.split('/').pop() : 'fields'));
  box.addEventListener('toggle', () => {
    if (box.open && box.children.length === 1) box.append(schemaView(doc, schema, depth + 1));
  }, { once: false });
  return box;
}

function jsonSchemaOf(content) {
  if (!content) return null;
  const type = Object.keys(content).find((t) => t.includes('json')) || Object.keys(content)[0];
  return type ? { type, schema: content[type].schema } : null;
}

function parametersView(doc, operation) {
  const params = operation.parameters || [];
  if (!params.length) return null;
  return h('section', {}, h('h4', {}, 'Parameters'),
    h('table', { class: 'table api-schema', 'aria-label': 'Parameters' },
      h('thead', {}, h('tr', {}, ['Name', 'In', 'Type', 'Required', 'Description'].map((t) => h('th', {}, t)))),
      h('tbody', {}, params.map((p) => h('tr', {},
        h('td', { class: 'mono' }, p.name), h('td', {}, p.in), h('td', { class: 'mono' }, typeWords(p.schema, doc)),
        h('td', {}, p.required ? 'yes' : ''), h('td', {}, p.description || ''))))));
}

function responsesView(doc, operation) {
  const entries = Object.entries(operation.responses || {});
  return h('section', {}, h('h4', {}, 'Responses'), h('ul', { class: 'api-responses' }, entries.map(([status, raw]) => {
    const response = raw.$ref ? resolveRef(doc, raw.$ref) || {} : raw;
    const body = jsonSchemaOf(response.content);
    const ok = status.startsWith('2');
    return h('li', { 'data-status': status },
      h('span', { class: 'badge badge-' + (ok ? 'ok' : 'muted') }, status), ' ', response.description || '',
      body ? h('details', { class: 'api-nested' }, h('summary', {}, body.type, body.schema && body.schema.$ref ? ': ' + body.schema.$ref.split('/').pop() : ''),
        schemaView(doc, body.schema)) : null);
  })));
}

function operationView(doc, path, method, operation) {
  const permission = operation['x-vergegrid-permission'] || 'anyone';
  const request = operation.requestBody ? jsonSchemaOf(operation.requestBody.content) : null;
  const box = h('details', { class: 'api-op card', 'data-operation': `${method.toUpperCase()} ${path}`, id: operation.operationId },
    h('summary', {},
      h('span', { class: 'badge api-method badge-' + (METHOD_CLASS[method] || 'muted') }, method.toUpperCase()), ' ',
      h('code', { class: 'api-path' }, path), ' ',
      h('span', { class: 'badge badge-' + (PERMISSION_CLASS[permission] || 'muted'), title: 'Permission' }, permission), ' ',
      h('span', { class: 'api-summary' }, operation.summary || '')));
  box.addEventListener('toggle', () => {
    if (!box.open || box.children.length > 1) return;
    box.append(h('div', { class: 'api-op-body' },
      operation.description ? h('p', { class: 'api-text' }, operation.description) : null,
      h('p', { class: 'muted' }, 'operationId ', h('code', {}, operation.operationId || '—')),
      parametersView(doc, operation),
      request ? h('section', {}, h('h4', {}, 'Request body (', request.type, ')'), schemaView(doc, request.schema)) : null,
      responsesView(doc, operation)));
  });
  return box;
}

// The operations by tag, in the document's tag order; an operation's first tag places it.
export function operationsByTag(doc) {
  const groups = new Map((doc.tags || []).map((t) => [t.name, { tag: t, operations: [] }]));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = (operation.tags && operation.tags[0]) || 'other';
      if (!groups.has(name)) groups.set(name, { tag: { name }, operations: [] });
      groups.get(name).operations.push({ path, method, operation });
    }
  }
  return [...groups.values()].filter((g) => g.operations.length);
}

export async function render(main) {
  const doc = await get('/openapi.json');
  const groups = operationsByTag(doc);
  const count = groups.reduce((n, g) => n + g.operations.length, 0);
  const filter = h('input', { type: 'search', placeholder: 'Filter by path, method or words', 'aria-label': 'Filter routes', class: 'api-filter' });
  const sections = groups.map((g) => h('section', { class: 'api-tag', 'data-tag': g.tag.name },
    h('h2', {}, g.tag.name), g.tag.description ? h('p', { class: 'muted' }, g.tag.description) : null,
    g.operations.map((o) => operationView(doc, o.path, o.method, o.operation))));
  filter.addEventListener('input', () => {
    const words = filter.value.trim().toLowerCase();
    for (const section of sections) {
      let shown = 0;
      for (const op of section.querySelectorAll('details.api-op')) {
        const match = !words || op.querySelector('summary').textContent.toLowerCase().includes(words);
        op.hidden = !match;
        if (match) shown += 1;
      }
      section.hidden = shown === 0;
    }
  });
  clear(main,
    h('header', { class: 'page-head' }, h('h1', {}, 'API reference ', h('span', { class: 'version' }, doc.info?.version || ''))),
    h('p', { class: 'api-text' }, `${count} routes of ${doc.info?.title || 'the API'} (OpenAPI ${doc.openapi}). `,
      'The same document is at ', h('a', { href: '/api/v1/openapi.json', target: '_blank', rel: 'noopener' }, '/api/v1/openapi.json'),
      ' and printed by ', h('code', {}, 'vergegridctl openapi'), '. Authenticate with a bearer token (',
      h('code', {}, 'Authorization: Bearer …'), ') or the console\'s session; the badge beside each path is the permission it requires.'),
    filter,
    sections);
  return undefined;
}
