// Live updates: the console's one connection to GET /api/v1/events/stream while someone is logged
// in, and the pages' subscriptions to event types.
//
// The stream is read with fetch rather than EventSource: every message carries `event: <type>`,
// and an EventSource hands named events only to listeners registered for that exact name, so it
// cannot deliver "every type under org.vergegrid.region." (and new types would go unseen). The
// reader keeps EventSource's protocol: the server ends each response after a batch (or ~25 s of
// nothing), and the reader reconnects after the `retry` the server sent, with `Last-Event-ID` set
// to the last id it saw, so nothing is skipped between two responses. A failed request backs off
// (1 s doubling to 30 s) and shows "reconnecting"; once a request succeeds again every subscriber
// refreshes once, since what happened meanwhile may be more than the stream still holds.
import { notifyUnauthenticated } from './api.js';

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30000;
// The server answers within ~25 s; a request open much longer is a dead connection.
const WATCHDOG_MS = 40000;
const RECENT_MAX = 500;

// Does `type` match `pattern`? An exact type, or a prefix ending in "." or "*"
// (org.vergegrid.region. and org.vergegrid.region.* both match org.vergegrid.region.created).
export function typeMatches(pattern, type) {
  if (!pattern || pattern === '*') return true;
  if (pattern.endsWith('*')) return type.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('.')) return type.startsWith(pattern);
  return type === pattern;
}

// The stream's own filter: `type` and `subject` are comma-separated lists (types exact or a
// prefix ending in "*", subjects exact); empty lists match everything.
export function filterMatches({ type = '', subject = '' }, event) {
  const types = splitList(type);
  const subjects = splitList(subject);
  return (!types.length || types.some((p) => typeMatches(p, event.type || '')))
    && (!subjects.length || subjects.includes(event.subject || ''));
}

export function splitList(text) {
  return String(text || '').split(',').map((s) => s.trim()).filter(Boolean);
}

// Parses text/event-stream text as it arrives. `feed` takes a chunk and returns the complete
// messages in it ({id, event, data, retry}); a partial message waits for the next chunk.
export function sseParser() {
  let buffer = '';
  let message = { data: [] };
  return function feed(chunk) {
    buffer += chunk;
    const out = [];
    let newline;
    while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (message.data.length || message.id !== undefined || message.retry !== undefined) {
          out.push({ ...message, data: message.data.join('\n') });
        }
        message = { data: [] };
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (name === 'data') message.data.push(value);
      else if (name === 'event') message.event = value;
      else if (name === 'id' && !value.includes('\0')) message.id = value;
      else if (name === 'retry' && /^\d+$/.test(value)) message.retry = Number(value);
    }
    return out;
  };
}

// One stream reader: `params` are the stream's query parameters (type, subject, after);
// onEvent(cloudEvent, seq) for each event, onStatus('live' | 'reconnecting' | 'off', detail).
export class StreamReader {
  constructor({ params = {}, onEvent, onStatus = () => {}, onResync = () => {} }) {
    this.params = params;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onResync = onResync;
    this.lastId = params.after !== undefined && params.after !== '' ? String(params.after) : null;
    this.retryMs = 500;
    this.failures = 0;
    this.running = false;
    this.status = 'off';
    this.controller = null;
    this.wakeUp = null;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.setStatus('live');
    this.loop();
  }

  stop() {
    this.running = false;
    if (this.controller) this.controller.abort();
    if (this.wakeUp) this.wakeUp();
    this.setStatus('off');
  }

  setStatus(status, detail = '') {
    if (status === this.status && !detail) return;
    this.status = status;
    this.onStatus(status, detail);
  }

  url() {
    const query = new URLSearchParams();
    for (const key of ['type', 'subject']) if (this.params[key]) query.set(key, this.params[key]);
    // Only the first request says where to start; Last-Event-ID carries it from then on.
    if (this.lastId === null && this.params.after !== undefined && this.params.after !== '') query.set('after', this.params.after);
    const text = query.toString();
    return '/api/v1/events/stream' + (text ? '?' + text : '');
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  async loop() {
    while (this.running) {
      const controller = new AbortController();
      this.controller = controller;
      const watchdog = setTimeout(() => controller.abort(), WATCHDOG_MS);
      try {
        const headers = { Accept: 'text/event-stream' };
        if (this.lastId !== null) headers['Last-Event-ID'] = this.lastId;
        const response = await fetch(this.url(), { credentials: 'same-origin', cache: 'no-store', headers, signal: controller.signal });
        if (response.status === 401) {
          this.stop();
          notifyUnauthenticated();
          return;
        }
        if (!response.ok) {
          let message = 'HTTP ' + response.status;
          try {
            message = (await response.json()).error.message || message;
          } catch {
            // Not the API's JSON error: the status says enough.
          }
          // A refused filter does not get better by asking again.
          if (response.status === 400) {
            this.running = false;
            this.setStatus('off', message);
            return;
          }
          throw new Error(message);
        }
        await this.read(response.body);
        if (this.failures) {
          this.failures = 0;
          this.onResync();
        }
        this.setStatus('live');
        if (this.running) await this.sleep(this.retryMs);
      } catch (e) {
        if (!this.running) return;
        this.failures += 1;
        this.setStatus('reconnecting', e.message || String(e));
        await this.sleep(Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (this.failures - 1)));
      } finally {
        clearTimeout(watchdog);
      }
    }
  }

  async read(body) {
    const feed = sseParser();
    const decoder = new TextDecoder();
    const reader = body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      // A message the server did not finish (no blank line after it) is dropped, as EventSource does.
      const messages = feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      for (const m of messages) {
        if (m.retry !== undefined) this.retryMs = m.retry;
        if (m.data) {
          let event;
          try {
            event = JSON.parse(m.data);
          } catch {
            event = null;
          }
          if (event && this.running) this.onEvent(event, m.id !== undefined ? Number(m.id) : null);
        }
        if (m.id !== undefined) this.lastId = m.id;
      }
      if (done) return;
    }
  }
}

// The console's own stream, unfiltered: started at login, stopped at logout.
const subscribers = new Set();
const statusListeners = new Set();
const recent = [];
let reader = null;

export function liveStatus() {
  return reader ? reader.status : 'off';
}

export function lastSeq() {
  return reader && reader.lastId !== null ? Number(reader.lastId) : null;
}

// The events this console saw since it connected, oldest first ({seq, event}), at most 500.
export function recentEvents() {
  return recent.slice();
}

// Hands one event of the console's stream to the subscribers whose patterns match its type.
export function publish(event, seq = null) {
  recent.push({ seq, event });
  if (recent.length > RECENT_MAX) recent.shift();
  for (const s of [...subscribers]) {
    if (s.patterns.some((p) => typeMatches(p, event.type || ''))) s.onEvent(event, seq);
  }
}

export function startLive() {
  if (reader) return;
  reader = new StreamReader({
    onEvent: publish,
    onStatus(status, detail) {
      for (const fn of [...statusListeners]) fn(status, detail);
    },
    onResync() {
      for (const s of [...subscribers]) if (s.onResync) s.onResync();
    },
  });
  reader.start();
}

export function stopLive() {
  if (!reader) return;
  const r = reader;
  reader = null;
  recent.length = 0;
  r.stop();
}

export function onLiveStatus(fn) {
  statusListeners.add(fn);
  return () => statusListeners.delete(fn);
}

// Calls onEvent(cloudEvent, seq) for each event whose type matches one of `patterns`; returns
// the unsubscribe function.
export function subscribe(patterns, onEvent, onResync) {
  const s = { patterns: [].concat(patterns), onEvent, onResync };
  subscribers.add(s);
  return () => subscribers.delete(s);
}

// A page's refresh on events: `refresh` runs after an event matching `patterns` arrives, at most
// once per `minIntervalMs` (a burst of events is one refresh) or twice the last refresh's
// duration when that is longer (a slow page on a busy grid does not reload back to back), never
// two at once (an event during a refresh queues one more), and every `fallbackMs` as a safety net
// (0: never). Returns stop().
export function liveRefresh(patterns, refresh, { minIntervalMs = 250, fallbackMs = 60000, delayMs = 30 } = {}) {
  let stopped = false;
  let running = false;
  let again = false;
  let timer = null;
  let lastRun = 0;
  let lastTook = 0;
  let fallback = null;

  async function run() {
    timer = null;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    lastRun = Date.now();
    try {
      await refresh();
    } catch {
      // The page keeps what it showed; the next event or the fallback tries again.
    } finally {
      running = false;
      lastTook = Date.now() - lastRun;
      armFallback();
      if (again && !stopped) {
        again = false;
        schedule();
      }
    }
  }

  function schedule() {
    if (stopped || timer) return;
    if (running) {
      again = true;
      return;
    }
    const wait = Math.max(delayMs, lastRun + Math.max(minIntervalMs, 2 * lastTook) - Date.now());
    timer = setTimeout(run, wait);
  }

  function armFallback() {
    if (!fallbackMs || stopped) return;
    clearTimeout(fallback);
    fallback = setTimeout(schedule, fallbackMs);
  }

  const unsubscribe = subscribe(patterns, schedule, schedule);
  armFallback();
  return () => {
    stopped = true;
    unsubscribe();
    clearTimeout(timer);
    clearTimeout(fallback);
  };
}
