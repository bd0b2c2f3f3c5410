import { h, clear } from './dom.js';
import { loadSession, currentSession, signOut, goSignIn, onLiveChange } from './api.js';
import { signInPage } from './signin.js';
import { jobsPage } from './jobs.js';
import { jobPage } from './job.js';
import { queuePage } from './queue.js';
import { workersPage } from './workers.js';
import { fairQueuePage } from './fairqueue.js';
import { usersPage } from './users.js';
import { systemPage } from './system.js';
import { runPage } from './run.js';
import { webhooksPage } from './webhooks.js';

const main = document.getElementById('main');
let leave = null;

const routes = [
  { pattern: /^\/signin$/, page: signInPage, open: true },
  { pattern: /^\/jobs$/, page: jobsPage, nav: 'jobs' },
  { pattern: /^\/jobs\/([0-9a-fA-F-]{36})$/, page: jobPage, nav: 'jobs' },
  { pattern: /^\/queue$/, page: queuePage, nav: 'queue' },
  { pattern: /^\/run$/, page: runPage, nav: 'run' },
  { pattern: /^\/webhooks$/, page: webhooksPage, nav: 'webhooks' },
  { pattern: /^\/workers$/, page: workersPage, nav: 'workers', admin: true },
  { pattern: /^\/all-queues$/, page: fairQueuePage, nav: 'all-queues', admin: true },
  { pattern: /^\/users$/, page: usersPage, nav: 'users', admin: true },
  { pattern: /^\/system$/, page: systemPage, nav: 'system', admin: true },
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/jobs';
  const [path, query = ''] = raw.split('?');
  return { path, params: new URLSearchParams(query) };
}

function renderNav(active) {
  const session = currentSession();
  const links = [['jobs', 'Jobs'], ['run', 'Run'], ['queue', 'Queue'], ['webhooks', 'Webhooks']];
  if (session?.user?.is_admin) links.push(['workers', 'Workers'], ['all-queues', 'All queues'], ['users', 'Users'], ['system', 'System']);
  clear(document.getElementById('nav'), session ? links.map(([id, label]) =>
    h('a', { href: `#/${id}`, 'aria-current': id === active ? 'page' : null }, label)) : [],
  h('a', { href: '/docs' }, 'API reference'));
  document.getElementById('who').textContent = session ? `${session.user.name}${session.user.is_admin ? ' (admin)' : ''}` : '';
  document.getElementById('signout').hidden = !session || session.auth !== 'session';
}

async function route() {
  if (leave) { leave(); leave = null; }
  const { path, params } = parseHash();
  const match = routes.map(r => ({ r, m: path.match(r.pattern) })).find(x => x.m);
  if (!match) { location.hash = '#/jobs'; return; }
  if (!match.r.open && !currentSession()) {
    await loadSession();
    if (!currentSession()) { goSignIn(); return; }
  }
  renderNav(match.r.nav);
  if (match.r.admin && !currentSession()?.user?.is_admin) {
    clear(main, h('h1', {}, 'Not allowed'), h('p', {}, 'This page is for admins.'));
    return;
  }
  clear(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    leave = await match.r.page(main, { params, id: match.m[1], refreshNav: () => renderNav(match.r.nav) }) ?? null;
  } catch (error) {
    if (error?.status !== 401) clear(main, h('h1', {}, 'Something went wrong'), h('p', { class: 'formerror' }, error.message));
  }
  main.focus();
}

function setupTheme() {
  const saved = localStorage.getItem('gantry-theme');
  if (saved) document.documentElement.dataset.theme = saved;
  document.getElementById('theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    const next = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('gantry-theme', next);
  });
}

document.getElementById('signout').addEventListener('click', async () => {
  await signOut();
  renderNav(null);
  location.hash = '#/signin';
});
onLiveChange(on => document.querySelectorAll('.live').forEach(el => el.classList.toggle('on', on)));
setupTheme();
window.addEventListener('hashchange', route);
loadSession().finally(route);
