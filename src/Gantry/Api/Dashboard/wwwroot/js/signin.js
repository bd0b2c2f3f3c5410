import { h, clear } from './dom.js';
import { signIn, currentSession } from './api.js';

// Where to go after signing in: a path on this site only (never another origin).
function safeNext(params) {
  const next = params.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : '/dashboard/#/jobs';
}

export async function signInPage(main, { params }) {
  const next = safeNext(params);
  if (currentSession()) { location.assign(next); return; }
  const error = h('p', { class: 'formerror', id: 'signin-error', role: 'alert' });
  const key = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'current-password', required: true, 'aria-describedby': 'signin-error' });
  const submit = h('button', { class: 'primary', type: 'submit' }, 'Sign in');
  const form = h('form', {
    onsubmit: async event => {
      event.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        await signIn(key.value.trim());
        key.value = '';
        location.assign(next);
      } catch (e) {
        error.textContent = e.status === 401 ? 'That API key is not valid.' : e.message;
        submit.disabled = false;
        key.focus();
      }
    },
  }, h('label', { for: 'api-key' }, 'API key', key), submit, error);
  clear(main, h('section', { class: 'signin panel' },
    h('h1', {}, 'Sign in to Gantry'),
    h('p', { class: 'muted' }, 'Use an API key (gk_…). It is exchanged for a session once and is not kept in the browser.'),
    form));
  key.focus();
}
