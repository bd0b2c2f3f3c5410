import { h, clear, when, duration, statusChip, viewUrl } from './dom.js';
import { get, on } from './api.js';

const PAGE = 25;
const FILTERS = ['status', 'workflow_id', 'output_type', 'sort_by', 'sort_order', 'offset'];

// The jobs list: GET /api/jobs with its own filters, sorts and paging (kept in the URL), refreshed live from /ws.
export async function jobsPage(main, { params }) {
  const state = Object.fromEntries(FILTERS.map(name => [name, params.get(name) ?? '']));
  const table = h('tbody');
  const summary = h('span', { class: 'muted', id: 'jobs-summary' });
  const pager = h('div', { class: 'pager' });

  const select = (name, label, options) => h('label', { for: `f-${name}` }, label,
    h('select', { id: `f-${name}`, onchange: e => navigate({ [name]: e.target.value, offset: '' }) },
      options.map(([value, text]) => h('option', { value, selected: state[name] === value }, text))));
  const workflow = h('input', { id: 'f-workflow_id', type: 'search', value: state.workflow_id, placeholder: 'any' });
  const filters = h('form', { class: 'filters', role: 'search', onsubmit: e => { e.preventDefault(); navigate({ workflow_id: workflow.value.trim(), offset: '' }); } },
    select('status', 'Status', [['', 'Any'], ['pending', 'Pending'], ['in_progress', 'Running'], ['completed', 'Completed'], ['failed', 'Failed'], ['cancelled', 'Cancelled']]),
    select('output_type', 'Output', [['', 'Any'], ['image', 'Image'], ['video', 'Video'], ['audio', 'Audio']]),
    select('sort_by', 'Sort by', [['', 'Created'], ['execution_time', 'Execution time']]),
    select('sort_order', 'Order', [['', 'Newest first'], ['asc', 'Oldest first']]),
    h('label', { for: 'f-workflow_id' }, 'Workflow id', workflow),
    h('button', { type: 'submit' }, 'Apply'));

  clear(main,
    h('div', { class: 'actions' }, h('h1', {}, 'Jobs'), h('span', { class: 'live', title: 'Live updates' }, 'live')),
    filters,
    h('table', { 'aria-describedby': 'jobs-summary' },
      h('thead', {}, h('tr', {}, h('th', {}, h('span', { class: 'hide-sm' }, 'Output')), h('th', {}, 'Job'), h('th', {}, 'Status'),
        h('th', { class: 'hide-sm' }, 'Created'), h('th', { class: 'hide-sm' }, 'Duration'), h('th', {}, 'Outputs'))),
      table),
    h('div', { class: 'pager' }, summary, pager));

  function navigate(change) {
    const next = { ...state, ...change };
    const query = new URLSearchParams(Object.entries(next).filter(([, v]) => v !== ''));
    location.hash = `#/jobs${query.size ? '?' + query : ''}`;
  }

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE) });
    for (const name of FILTERS) if (state[name]) query.set(name, state[name]);
    const page = await get(`/api/jobs?${query}`);
    clear(table, page.jobs.length ? page.jobs.map(row) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No jobs yet.')));
    const { offset, total } = page.pagination;
    summary.textContent = total ? `${offset + 1}–${offset + page.jobs.length} of ${total}` : '';
    clear(pager,
      h('button', { type: 'button', disabled: offset === 0, onclick: () => navigate({ offset: String(Math.max(0, offset - PAGE)) || '' }) }, 'Previous'),
      h('button', { type: 'button', disabled: !page.pagination.has_more, onclick: () => navigate({ offset: String(offset + PAGE) }) }, 'Next'));
  }

  function row(job) {
    const preview = job.preview_output;
    const thumb = preview && (preview.mediaType ?? 'images') === 'images'
      ? h('img', { src: viewUrl(preview), alt: `Output of job ${job.id.slice(0, 8)}`, loading: 'lazy' })
      : h('div', { class: 'none', role: 'img', 'aria-label': 'No image output' });
    const ms = job.execution_start_time && job.execution_end_time ? job.execution_end_time - job.execution_start_time : null;
    return h('tr', { 'data-job': job.id },
      h('td', { class: 'thumb' }, thumb),
      h('td', {}, h('a', { href: `#/jobs/${job.id}`, class: 'mono' }, job.id.slice(0, 8)), job.workflow_id ? h('div', { class: 'muted' }, job.workflow_id) : null),
      h('td', {}, statusChip(job.status)),
      h('td', { class: 'hide-sm' }, when(job.create_time)),
      h('td', { class: 'hide-sm' }, duration(ms)),
      h('td', {}, String(job.outputs_count ?? 0)));
  }

  await load();
  // Any change of the user's jobs (queued, started, ended) arrives on /ws: reload the page, at most every 300 ms.
  let timer = null;
  const refresh = () => { if (!timer) timer = setTimeout(() => { timer = null; load().catch(() => {}); }, 300); };
  const offs = ['status', 'execution_start', 'execution_success', 'execution_error', 'execution_interrupted'].map(type => on(type, refresh));
  return () => { offs.forEach(off => off()); clearTimeout(timer); };
}
