import { h, clear, when, toast } from './dom.js';
import { get, request } from './api.js';

// Users and keys (admins): each user's weight, limits and jobs now; create a user; per user, change the limits,
// list keys (never the keys themselves), create one (shown once, with a copy button) and revoke one.
// Everything goes through /api/admin/users, as a script would.
const number = value => value === null || value === undefined ? '' : String(value);
const orDefault = value => value === null || value === undefined ? h('span', { class: 'muted' }, 'default') : String(value);

export async function usersPage(main, { params }) {
  const list = h('div');
  const detail = h('section', { id: 'user-detail', 'aria-live': 'polite' });
  const name = h('input', { id: 'u-name', required: true, maxlength: 64, autocomplete: 'off' });
  const admin = h('input', { id: 'u-admin', type: 'checkbox' });
  const create = h('form', {
    class: 'filters', onsubmit: async e => {
      e.preventDefault();
      try {
        const user = await request('POST', '/api/admin/users', { name: name.value.trim(), is_admin: admin.checked });
        toast(`User ${user.name} created.`);
        name.value = ''; admin.checked = false;
        location.hash = `#/users?user=${user.id}`;
      } catch (error) { toast(error.message); }
    },
  }, h('label', { for: 'u-name' }, 'Name', name),
  h('label', { for: 'u-admin', class: 'check' }, admin, 'Admin'),
  h('button', { type: 'submit', class: 'primary' }, 'Create user'));
  clear(main, h('h1', {}, 'Users and keys'), list, detail, h('h2', {}, 'New user'), create);

  const selected = Number(params.get('user')) || null;
  const users = await get('/api/admin/users');
  clear(list, h('table', {},
    h('caption', { class: 'muted' }, 'Weight and limits left empty use the server\'s defaults; running and queued are jobs now.'),
    h('thead', {}, h('tr', {}, ['Name', 'Weight', 'Max running', 'Max queued', 'Running', 'Queued', 'Created', ''].map(t => h('th', {}, t)))),
    h('tbody', {}, users.map(u => h('tr', { 'data-user': u.name, 'aria-selected': u.id === selected ? 'true' : null },
      h('td', {}, u.name, u.is_admin ? h('span', { class: 'status' }, 'admin') : null),
      h('td', {}, orDefault(u.weight)), h('td', {}, orDefault(u.max_running)), h('td', {}, orDefault(u.max_queued)),
      h('td', {}, String(u.running)), h('td', {}, String(u.queued)), h('td', { class: 'hide-sm' }, when(u.created_at, 'ms')),
      h('td', {}, h('a', { class: 'button', href: `#/users?user=${u.id}`, 'aria-label': `Manage ${u.name}` }, 'Manage')))))));

  const user = users.find(u => u.id === selected);
  if (user) await showUser(detail, user);
}

async function showUser(detail, user) {
  const field = (id, label, value, attrs) => h('label', { for: id }, label,
    h('input', { id, type: 'number', value: number(value), placeholder: 'default', ...attrs }));
  const limits = h('form', {
    class: 'filters', 'aria-label': `Limits of ${user.name}`, onsubmit: async e => {
      e.preventDefault();
      const read = id => { const v = limits.querySelector(`#${id}`).value.trim(); return v === '' ? null : Number(v); };
      try {
        await request('PUT', `/api/admin/users/${user.id}/limits`, { weight: read('l-weight'), max_running: read('l-running'), max_queued: read('l-queued') });
        toast(`Limits of ${user.name} saved.`);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (error) { toast(error.message); }
    },
  },
  field('l-weight', 'Weight', user.weight, { min: '0.001', max: '1000', step: 'any' }),
  field('l-running', 'Max running (0 = none)', user.max_running, { min: '0', max: '10000', step: '1' }),
  field('l-queued', 'Max queued (0 = none)', user.max_queued, { min: '0', max: '1000000', step: '1' }),
  h('button', { type: 'submit', class: 'primary' }, 'Save limits'));

  const keys = h('div');
  const shown = h('div', { id: 'new-key' });
  const keyName = h('input', { id: 'k-name', maxlength: 100, placeholder: 'e.g. laptop', autocomplete: 'off' });
  const createKey = h('form', {
    class: 'filters', onsubmit: async e => {
      e.preventDefault();
      try {
        const created = await request('POST', `/api/admin/users/${user.id}/keys`, { name: keyName.value.trim() || undefined });
        keyName.value = '';
        showKey(shown, created.key);
        await loadKeys();
      } catch (error) { toast(error.message); }
    },
  }, h('label', { for: 'k-name' }, 'Key name', keyName), h('button', { type: 'submit', class: 'primary' }, 'Create key'));

  async function loadKeys() {
    const all = await get(`/api/admin/users/${user.id}/keys`);
    clear(keys, all.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['Key', 'Name', 'Created', 'Revoked', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, all.map(k => h('tr', { 'data-key': k.id },
        h('td', { class: 'mono' }, `${k.prefix}…`), h('td', {}, k.name ?? '—'), h('td', {}, when(k.created_at, 'ms')),
        h('td', {}, k.revoked_at ? when(k.revoked_at, 'ms') : '—'),
        h('td', {}, k.revoked_at ? null : h('button', {
          type: 'button', class: 'danger', 'aria-label': `Revoke key ${k.prefix}`, onclick: async () => {
            if (!confirm(`Revoke key ${k.prefix}…? Requests with it fail from now on.`)) return;
            try { await request('POST', `/api/admin/users/${user.id}/keys/${k.id}/revoke`); toast(`Key ${k.prefix}… revoked.`); } catch (error) { toast(error.message); }
            await loadKeys();
          },
        }, 'Revoke'))))))
      : h('p', { class: 'muted' }, 'No keys.'));
  }

  clear(detail, h('div', { class: 'panel' },
    h('h2', {}, user.name),
    h('h3', {}, 'Weight and limits'), limits,
    h('h3', {}, 'API keys'), keys, shown, createKey));
  await loadKeys();
}

// A new key, shown this once: a read-only field and a copy button.
function showKey(box, key) {
  const field = h('input', { id: 'created-key', class: 'mono', readonly: true, value: key, size: 48, 'aria-describedby': 'created-key-note' });
  clear(box, h('div', { class: 'panel created-key', role: 'status' },
    h('label', { for: 'created-key' }, 'New API key', field),
    h('p', { id: 'created-key-note', class: 'muted' }, 'Copy it now: it is shown only this once.'),
    h('button', {
      type: 'button', onclick: async () => {
        try { await navigator.clipboard.writeText(key); toast('Key copied.'); } catch { field.select(); toast('Press Ctrl+C to copy the selected key.'); }
      },
    }, 'Copy key')));
  field.focus();
  field.select();
}
