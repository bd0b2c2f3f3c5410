import { h, clear } from './dom.js';
import { get, currentSession } from './api.js';

// Every user's queue (admins): users in the order the scheduler tries them next (GET /api/admin/queue), their
// running jobs with workers, and the first of their waiting jobs. Refreshed every 3 seconds.
const STANDING = { waiting: 'waiting', at_limit: 'at their limit', reading: 'reading next job', nothing_waiting: 'nothing waiting' };
// Only one's own jobs open (a job's page is its owner's); others' show their id.
const jobRef = (id, own) => own ? h('a', { href: `#/jobs/${id}`, class: 'mono' }, id.slice(0, 8)) : h('span', { class: 'mono', title: id }, id.slice(0, 8));

export async function fairQueuePage(main) {
  const body = h('div');
  clear(main, h('div', { class: 'actions' }, h('h1', {}, 'All queues')),
    h('p', { class: 'muted' }, 'Users in the order fairness serves them next: fewest jobs running for their weight first, then whoever was served longest ago. Users at their running limit wait their turn.'),
    body);

  async function load() {
    const queue = await get('/api/admin/queue');
    clear(body, queue.users.length
      ? h('table', {},
        h('thead', {}, h('tr', {}, ['Turn', 'User', 'Weight', 'Running', 'Queued', 'On workers', 'Next jobs'].map(t => h('th', {}, t)))),
        h('tbody', {}, queue.users.map(u => ({ u, own: u.user_id === currentSession()?.user?.id })).map(({ u, own }) => h('tr', { 'data-user': u.name, 'data-turn': u.turn ?? '' },
          h('td', {}, u.turn ? h('strong', {}, `#${u.turn}`) : h('span', { class: 'muted' }, STANDING[u.standing] ?? u.standing)),
          h('td', {}, u.name),
          h('td', {}, String(u.weight)),
          h('td', {}, u.max_running > 0 ? `${u.running} / ${u.max_running}` : String(u.running)),
          h('td', {}, String(u.queued)),
          h('td', {}, u.running_jobs.map(j => h('div', {}, jobRef(j.id, own), ` on ${j.worker ?? '?'}`))),
          h('td', {}, u.next_jobs.slice(0, 3).map(id => h('div', {}, jobRef(id, own))), u.queued > 3 ? h('div', { class: 'muted' }, `+${u.queued - 3} more`) : null)))))
      : h('p', { class: 'muted' }, 'Nobody has jobs running or waiting.'));
  }

  await load();
  const timer = setInterval(() => load().catch(() => {}), 3000);
  return () => clearInterval(timer);
}
