import { h, clear, when, toast } from './dom.js';
import { get, request, currentSession } from './api.js';

// Webhooks: the user's endpoints (an admin sees every user's), add one (its signing secret shown once, with a copy
// button), delete one, and per endpoint its deliveries with status and attempts, each of which can be sent again.
// While a delivery is pending the list reads itself again every few seconds. Everything goes through /api/webhooks.
const EVENTS = ['job.started', 'job.succeeded', 'job.failed', 'job.canceled'];
const CHIP = { delivered: 'completed', failed: 'failed', pending: 'pending' };
const iso = value => value ? when(value, 'iso') : '—';

export async function webhooksPage(main, { params }) {
  const list = h('div');
  const deliveries = h('section', { id: 'hook-deliveries', 'aria-live': 'polite' });
  const secret = h('div', { id: 'new-secret' });
  const url = h('input', { id: 'wh-url', type: 'url', required: true, maxlength: 2048, placeholder: 'https://example.com/hooks/gantry', autocomplete: 'off' });
  const description = h('input', { id: 'wh-description', maxlength: 500, placeholder: 'optional', autocomplete: 'off' });
  const boxes = EVENTS.map(e => h('input', { id: `wh-${e.replace('.', '-')}`, type: 'checkbox', value: e, checked: true }));
  const allUsers = h('input', { id: 'wh-all', type: 'checkbox' });
  const create = h('form', {
    class: 'filters', onsubmit: async e => {
      e.preventDefault();
      const events = boxes.filter(b => b.checked).map(b => b.value);
      if (!events.length) { toast('Choose at least one event.'); return; }
      try {
        const hook = await request('POST', '/api/webhooks', {
          url: url.value.trim(), description: description.value.trim() || null, events, all_users: allUsers.checked || undefined,
        });
        url.value = ''; description.value = '';
        await load(hook.id);
        showSecret(secret, hook.secret);
      } catch (error) { toast(error.message); }
    },
  },
  h('label', { for: 'wh-url' }, 'Endpoint URL', url),
  h('label', { for: 'wh-description' }, 'Description', description),
  h('fieldset', { class: 'events' }, h('legend', {}, 'Events'),
    EVENTS.map((e, i) => h('label', { for: boxes[i].id, class: 'check' }, boxes[i], e))),
  currentSession()?.user?.is_admin ? h('label', { for: 'wh-all', class: 'check' }, allUsers, 'Every user\'s jobs') : null,
  h('button', { type: 'submit', class: 'primary' }, 'Add endpoint'));
  clear(main, h('h1', {}, 'Webhooks'),
    h('p', { class: 'muted' }, 'Gantry POSTs a signed event to each endpoint when one of your jobs starts, succeeds, fails or is cancelled, and retries until it is answered with a 2xx.'),
    list, secret, deliveries, h('h2', {}, 'Add an endpoint'), create);

  async function load(selected) {
    const { webhooks } = await get('/api/webhooks');
    clear(list, webhooks.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['URL', 'Description', 'Events', 'Created', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, webhooks.map(w => h('tr', { 'data-hook': w.id, 'aria-selected': w.id === selected ? 'true' : null },
        h('td', { class: 'mono' }, w.url, w.all_users ? h('span', { class: 'status' }, 'all users') : null),
        h('td', {}, w.description ?? '—'),
        h('td', {}, w.events.join(', ')),
        h('td', { class: 'hide-sm' }, iso(w.created_at)),
        h('td', {}, h('div', { class: 'actions' },
          h('a', { class: 'button', href: `#/webhooks?hook=${w.id}`, 'aria-label': `Deliveries to ${w.url}` }, 'Deliveries'),
          h('button', {
            type: 'button', class: 'danger', 'aria-label': `Delete endpoint ${w.url}`, onclick: async () => {
              if (!confirm(`Delete the endpoint ${w.url}? Its deliveries go with it.`)) return;
              try { await request('DELETE', `/api/webhooks/${w.id}`); toast('Endpoint deleted.'); } catch (error) { toast(error.message); }
              if (w.id === params.get('hook')) location.hash = '#/webhooks'; else await load();
            },
          }, 'Delete')))))))
      : h('p', { class: 'muted' }, 'No webhook endpoints yet.'));
    const shown = webhooks.find(w => w.id === (selected ?? params.get('hook')));
    if (shown) await showDeliveries(deliveries, shown, later); else clear(deliveries);
  }

  let timer = null;
  let left = false;
  function later(fn) {
    clearTimeout(timer);
    if (!left) timer = setTimeout(() => fn().catch(() => {}), 2000);
  }

  await load(params.get('hook'));
  return () => { left = true; clearTimeout(timer); };
}

async function showDeliveries(box, hook, later) {
  const { deliveries } = await get(`/api/webhooks/${hook.id}/deliveries?limit=100`);
  const again = () => showDeliveries(box, hook, later);
  if (deliveries.some(d => d.status === 'pending')) later(again);
  clear(box, h('div', { class: 'panel' },
    h('h2', {}, 'Deliveries to ', h('span', { class: 'mono' }, hook.url)),
    deliveries.length ? h('table', {},
      h('caption', { class: 'muted' }, 'The newest first; a pending delivery is tried again at its next attempt.'),
      h('thead', {}, h('tr', {}, ['Event', 'Job', 'Status', 'Attempts', 'Last attempt', 'Answer', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, deliveries.map(d => h('tr', { 'data-delivery': d.id },
        h('td', {}, d.event),
        h('td', { class: 'mono' }, h('a', { href: `#/jobs/${d.job_id}` }, d.job_id.slice(0, 8))),
        h('td', {}, h('span', { class: `status ${CHIP[d.status] ?? ''}` }, d.status),
          d.next_attempt_at ? h('div', { class: 'muted' }, `next ${iso(d.next_attempt_at)}`) : null),
        h('td', { 'data-attempts': '' }, String(d.attempts)),
        h('td', {}, iso(d.last_attempt_at)),
        h('td', {}, d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error ?? '—'),
          d.last_status_code && d.last_error ? h('div', { class: 'muted' }, d.last_error) : null),
        h('td', {}, h('button', {
          type: 'button', 'aria-label': `Redeliver ${d.event} of job ${d.job_id.slice(0, 8)}`, onclick: async () => {
            try { await request('POST', `/api/webhooks/${hook.id}/deliveries/${d.id}/redeliver`); toast('Delivery queued again.'); } catch (error) { toast(error.message); }
            await again();
          },
        }, 'Redeliver'))))))
      : h('p', { class: 'muted' }, 'Nothing delivered yet: events come when this user\'s jobs start and end.'),
    h('button', { type: 'button', onclick: again }, 'Refresh')));
}

// A new endpoint's signing secret, shown this once: a read-only field and a copy button.
function showSecret(box, value) {
  const field = h('input', { id: 'created-secret', class: 'mono', readonly: true, value, size: 52, 'aria-describedby': 'created-secret-note' });
  clear(box, h('div', { class: 'panel created-key', role: 'status' },
    h('label', { for: 'created-secret' }, 'Signing secret', field),
    h('p', { id: 'created-secret-note', class: 'muted' }, 'Copy it now: it is shown only this once. Check each delivery\'s webhook-signature with it.'),
    h('button', {
      type: 'button', onclick: async () => {
        try { await navigator.clipboard.writeText(value); toast('Secret copied.'); } catch { field.select(); toast('Press Ctrl+C to copy the selected secret.'); }
      },
    }, 'Copy secret')));
  field.focus();
  field.select();
}
