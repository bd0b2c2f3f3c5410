import { h, clear, when, statusChip } from './dom.js';
import { get, post, on } from './api.js';

// The caller's queue: running jobs, then pending ones in the order Gantry will start them (GET /api/queue).
export async function queuePage(main) {
  const body = h('div');
  clear(main, h('div', { class: 'actions' }, h('h1', {}, 'Queue'), h('span', { class: 'live', title: 'Live updates' }, 'live')), body);

  async function load() {
    const queue = await get('/api/queue');
    const rows = [
      ...queue.queue_running.map(item => ({ item, status: 'in_progress' })),
      ...queue.queue_pending.map(item => ({ item, status: 'pending' })),
    ];
    clear(body, rows.length
      ? h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Position'), h('th', {}, 'Job'), h('th', {}, 'Status'), h('th', {}, 'Submitted'), h('th', {}, h('span', { class: 'hide-sm' }, 'Action')))),
        h('tbody', {}, rows.map(({ item, status }, index) => {
          const [, id, , , meta] = item;
          return h('tr', { 'data-job': id },
            h('td', {}, status === 'in_progress' ? 'running' : String(index + 1 - queue.queue_running.length)),
            h('td', {}, h('a', { href: `#/jobs/${id}`, class: 'mono' }, id.slice(0, 8))),
            h('td', {}, statusChip(status)),
            h('td', {}, when(meta?.create_time)),
            h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Cancel job ${id.slice(0, 8)}`, onclick: async () => { await post(`/api/jobs/${id}/cancel`).catch(() => {}); load(); } }, 'Cancel')));
        })))
      : h('p', { class: 'muted' }, 'Nothing is running or waiting.'));
  }

  await load();
  let timer = null;
  const refresh = () => { if (!timer) timer = setTimeout(() => { timer = null; load().catch(() => {}); }, 300); };
  const offs = ['status', 'execution_start', 'execution_success', 'execution_error', 'execution_interrupted'].map(type => on(type, refresh));
  return () => { offs.forEach(off => off()); clearTimeout(timer); };
}
