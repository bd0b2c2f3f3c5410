// A tiny element builder: h('a', {href: '#'}, 'text', child). Text is always set as text, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
  return el;
}

export function toast(message) {
  const box = document.getElementById('toast');
  const item = h('p', {}, message);
  box.append(item);
  setTimeout(() => item.remove(), 4000);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

// Seconds (create_time), milliseconds (execution times) or an ISO string (dispatched_at) to a local date and time.
export function when(value, unit = 's') {
  if (value === undefined || value === null) return '—';
  return dateFormat.format(new Date(unit === 's' ? value * 1000 : value));
}

export function duration(ms) {
  if (ms === undefined || ms === null || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s % 60)} s`;
}

export function statusChip(status) {
  const label = { pending: 'pending', in_progress: 'running', completed: 'completed', failed: 'failed', cancelled: 'cancelled' }[status] ?? status;
  return h('span', { class: `status ${status}` }, label);
}

// The URL of a stored file (an output or a preview) for <img> and downloads; /api/view redirects to a signed URL.
export function viewUrl(file) {
  const query = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder ?? '', type: file.type ?? 'output' });
  return `/api/view?${query}`;
}
