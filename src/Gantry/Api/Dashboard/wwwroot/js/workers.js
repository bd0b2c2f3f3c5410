import { h, clear, toast } from './dom.js';
import { get, request } from './api.js';

// The fleet (admins): each worker's kind, URL, state, slots in use, current jobs, node and model counts and last error;
// add, drain, resume, remove.
export async function workersPage(main) {
  const body = h('div');
  const url = h('input', { id: 'w-url', type: 'url', required: true, placeholder: 'http://gpu-1:8188' });
  const name = h('input', { id: 'w-name', placeholder: 'optional' });
  const add = h('form', {
    class: 'filters', onsubmit: async e => {
      e.preventDefault();
      await act(() => request('POST', '/api/admin/workers', { url: url.value.trim(), name: name.value.trim() || undefined }), 'Worker added.');
      url.value = ''; name.value = '';
    },
  }, h('label', { for: 'w-url' }, 'ComfyUI URL', url), h('label', { for: 'w-name' }, 'Name', name), h('button', { type: 'submit', class: 'primary' }, 'Add worker'));
  clear(main, h('h1', {}, 'Workers'), body, h('h2', {}, 'Add a ComfyUI worker'), add);

  async function act(fn, message) {
    try { await fn(); toast(message); } catch (e) { toast(e.message); }
    await load();
  }

  async function load() {
    const [workers, queue] = await Promise.all([get('/api/admin/workers'), get('/api/admin/queue')]);
    // The jobs on each worker now, from the scheduler's own view (GET /api/admin/queue).
    const jobsOn = new Map();
    for (const user of queue.users) {
      for (const job of user.running_jobs) {
        if (!jobsOn.has(job.worker)) jobsOn.set(job.worker, []);
        jobsOn.get(job.worker).push({ id: job.id, user: user.name });
      }
    }
    const path = w => `/api/admin/workers/${encodeURIComponent(w.name)}`;
    clear(body, h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'URL', 'State', 'Running', 'Jobs', 'Nodes', 'Models', 'Last error', 'Actions'].map(t => h('th', {}, t)))),
      h('tbody', {}, workers.map(w => h('tr', { 'data-worker': w.name },
        h('td', {}, w.name), h('td', {}, w.kind), h('td', { class: 'mono' }, w.url ?? '—'), h('td', {}, w.state),
        h('td', {}, `${w.running} / ${w.slots}`),
        h('td', {}, (jobsOn.get(w.name) ?? []).map(j => h('div', { class: 'mono', title: j.id }, `${j.id.slice(0, 8)} `, h('span', { class: 'muted' }, j.user)))),
        h('td', { 'data-nodes': '' }, w.nodes ?? '—'), h('td', { 'data-models': '' }, w.models ?? '—'),
        h('td', {}, w.last_error ?? '—'),
        h('td', {}, h('div', { class: 'actions' },
          w.state === 'draining'
            ? h('button', { type: 'button', onclick: () => act(() => request('POST', `${path(w)}/resume`), `${w.name} resumed.`) }, 'Resume')
            : h('button', { type: 'button', onclick: () => act(() => request('POST', `${path(w)}/drain`), `${w.name} draining.`) }, 'Drain'),
          w.origin === 'settings' ? null : h('button', { type: 'button', class: 'danger', onclick: () => act(() => request('DELETE', path(w)), `${w.name} removed.`) }, 'Remove'))))))));
  }

  await load();
}
