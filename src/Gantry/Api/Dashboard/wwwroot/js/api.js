// Gantry's public API as the dashboard uses it: same-origin requests with the session cookie, the CSRF token on
// every write, and one /ws socket for live events. A 401 sends the user to sign in (and back afterwards).
const SESSION = '/dashboard/api/session';
let session = null;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function currentSession() { return session; }

export async function loadSession() {
  const response = await fetch(SESSION, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  session = response.ok ? await response.json() : null;
  return session;
}

export async function signIn(apiKey) {
  const response = await fetch(SESSION, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ api_key: apiKey }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  session = body;
  return session;
}

export async function signOut() {
  await request('DELETE', SESSION).catch(() => {});
  session = null;
  closeEvents();
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (session?.csrf_token && method !== 'GET') headers['X-CSRF-Token'] = session.csrf_token;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  if (response.status === 401 && path !== SESSION) {
    session = null;
    goSignIn();
    throw new ApiError(401, { message: 'Signed out.' });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = { message: text }; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = path => request('GET', path);
export const post = (path, body) => request('POST', path, body);

export function goSignIn() {
  const here = location.hash.startsWith('#/signin') ? '#/jobs' : location.hash || '#/jobs';
  location.hash = `#/signin?next=${encodeURIComponent('/dashboard/' + here)}`;
}

// Live events: one socket, listeners by message type ('*' for all; 'preview' for binary previews).
let socket = null;
const listeners = new Map();
let liveIndicator = () => {};

export function onLiveChange(fn) { liveIndicator = fn; }

export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  openEvents();
  return () => listeners.get(type)?.delete(fn);
}

function emit(type, data) {
  for (const fn of listeners.get(type) ?? []) fn(data);
  for (const fn of listeners.get('*') ?? []) fn(type, data);
}

function openEvents() {
  if (socket || !session) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?clientId=dashboard-${crypto.randomUUID()}`;
  socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => liveIndicator(true);
  socket.onmessage = event => {
    if (typeof event.data === 'string') {
      try { const message = JSON.parse(event.data); emit(message.type, message.data); } catch { /* not JSON: ignore */ }
      return;
    }
    const view = new DataView(event.data);
    if (view.byteLength < 8) return;
    const kind = view.getUint32(0);
    if (kind === 1) {
      const format = view.getUint32(4) === 2 ? 'image/png' : 'image/jpeg';
      emit('preview', { blob: new Blob([event.data.slice(8)], { type: format }) });
    }
  };
  socket.onclose = () => {
    socket = null;
    liveIndicator(false);
    if (session && [...listeners.values()].some(set => set.size > 0)) setTimeout(openEvents, 2000);
  };
}

function closeEvents() {
  const open = socket;
  socket = null;
  open?.close();
}
