import { h, clear, when, duration, statusChip, viewUrl, toast } from './dom.js';
import { get, post, request, on } from './api.js';

const MEDIA_KEYS = ['images', 'gifs', 'videos', 'audio', 'video', 'animated'];
const ACTIVE = ['pending', 'in_progress'];

// One job: state and timeline, live per-node progress and previews, outputs, error, workflow, and actions.
export async function jobPage(main, { id }) {
  let job = await get(`/api/jobs/${id}`);
  let status = await get(`/api/job/${id}/status`).catch(() => null);
  const nodes = nodeList(job.workflow?.prompt);
  const progress = new Map(); // node id -> { value, max, done }
  let running = null;
  const previewImg = h('img', { alt: 'Live preview of the running node' });
  const previewBox = h('div', { class: 'preview', hidden: true }, h('h2', {}, 'Preview'), previewImg);
  const nodesBox = h('ul', { class: 'nodes', 'aria-label': 'Node progress' });
  const body = h('div');

  function render() {
    clear(body,
      h('div', { class: 'actions' },
        h('h1', {}, 'Job ', h('span', { class: 'mono' }, id.slice(0, 8))), statusChip(job.status),
        ACTIVE.includes(job.status) ? h('span', { class: 'live', title: 'Live updates' }, 'live') : null),
      actions(),
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h' }, 'Timeline'), timeline()),
        h('section', { class: 'panel', 'aria-labelledby': 'nodes-h' }, h('h2', { id: 'nodes-h' }, 'Nodes'), nodesBox, previewBox)),
      errorBox(),
      outputs(),
      workflowBox());
    renderNodes();
  }

  function timeline() {
    const ms = job.execution_status?.messages ?? [];
    const started = job.execution_start_time ?? ms.find(m => m[0] === 'execution_start')?.[1]?.timestamp;
    const ended = job.execution_end_time ?? ms.find(m => ['execution_success', 'execution_error', 'execution_interrupted'].includes(m[0]))?.[1]?.timestamp;
    return h('dl', { class: 'facts' },
      h('dt', {}, 'Id'), h('dd', { class: 'mono' }, id),
      h('dt', {}, 'Submitted'), h('dd', {}, when(job.create_time)),
      h('dt', {}, 'Dispatched'), h('dd', { id: 'job-dispatched' }, status?.dispatched_at ? when(status.dispatched_at, 'iso') : '—'),
      h('dt', {}, 'Started'), h('dd', {}, started ? when(started, 'ms') : '—'),
      h('dt', {}, 'Ended'), h('dd', {}, ended ? when(ended, 'ms') : '—'),
      h('dt', {}, 'Ran for'), h('dd', {}, started && ended ? duration(ended - started) : '—'),
      h('dt', {}, 'Worker'), h('dd', {}, status?.assigned_inference ?? '—'),
      job.workflow_id ? [h('dt', {}, 'Workflow'), h('dd', {}, job.workflow_id)] : null);
  }

  function renderNodes() {
    clear(nodesBox, nodes.length ? nodes.map(node => {
      const p = progress.get(node.id);
      const done = p?.done || job.status === 'completed';
      const bar = h('progress', { max: p?.max ?? 1, value: done ? (p?.max ?? 1) : (p?.value ?? 0), 'aria-label': `Progress of ${node.title}` });
      return h('li', { 'data-node': node.id, class: running === node.id ? 'running' : null },
        h('span', {}, h('span', { class: 'mono muted' }, `#${node.id} `), node.title, running === node.id ? ' (running)' : ''), bar);
    }) : h('li', { class: 'muted' }, 'No nodes.'));
  }

  function actions() {
    const active = ACTIVE.includes(job.status);
    return h('div', { class: 'actions' },
      active ? h('button', { type: 'button', class: 'danger', onclick: () => act(cancel) }, 'Cancel') : null,
      h('button', { type: 'button', onclick: () => act(runAgain), disabled: !job.workflow?.prompt }, 'Run again'),
      !active ? h('button', { type: 'button', class: 'danger', onclick: () => act(remove) }, 'Delete from history') : null,
      h('a', { class: 'button', href: '#/jobs' }, 'All jobs'));
  }

  function errorBox() {
    const error = job.execution_error;
    if (!error) return null;
    return h('section', { class: 'panel error', 'aria-labelledby': 'error-h' },
      h('h2', { id: 'error-h' }, 'Error'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Node'), h('dd', {}, `${error.node_id ?? '—'} ${error.node_type ? `(${error.node_type})` : ''}`),
        h('dt', {}, 'Type'), h('dd', { class: 'mono' }, error.exception_type ?? '—'),
        h('dt', {}, 'Message'), h('dd', {}, error.exception_message ?? '—')));
  }

  function outputs() {
    const files = [];
    const texts = [];
    for (const [nodeId, output] of Object.entries(job.outputs ?? {})) {
      for (const [key, value] of Object.entries(output ?? {})) {
        if (!Array.isArray(value)) continue;
        if (MEDIA_KEYS.includes(key)) value.filter(f => f?.filename).forEach(f => files.push({ ...f, nodeId, key }));
        else if (value.every(v => typeof v === 'string')) value.forEach(text => texts.push({ nodeId, text }));
      }
    }
    if (!files.length && !texts.length) return job.status === 'completed' ? h('p', { class: 'muted' }, 'This job has no outputs.') : null;
    return h('section', { 'aria-labelledby': 'outputs-h' },
      h('h2', { id: 'outputs-h' }, `Outputs (${files.length + texts.length})`),
      files.length ? h('div', { class: 'gallery' }, files.map(file => {
        const url = viewUrl(file);
        const isImage = file.key === 'images' || /\.(png|jpe?g|webp|gif)$/i.test(file.filename);
        return h('figure', {},
          isImage ? h('img', { src: url, alt: `${file.filename} from node ${file.nodeId}`, tabindex: 0, onclick: () => zoom(url, file.filename), onkeydown: e => { if (e.key === 'Enter') zoom(url, file.filename); } }) : null,
          h('figcaption', {}, h('span', { class: 'mono' }, file.filename), h('a', { href: url, download: file.filename }, 'Download')));
      })) : null,
      texts.map(t => h('div', {}, h('p', { class: 'muted' }, `Text from node ${t.nodeId}`), h('pre', {}, t.text))));
  }

  function workflowBox() {
    const prompt = job.workflow?.prompt;
    if (!prompt) return null;
    const json = JSON.stringify(prompt, null, 2);
    const download = h('a', { class: 'button', download: `workflow-${id.slice(0, 8)}.json`, href: URL.createObjectURL(new Blob([json], { type: 'application/json' })) }, 'Download JSON');
    return h('section', { 'aria-labelledby': 'workflow-h' },
      h('h2', { id: 'workflow-h' }, 'Workflow'),
      h('details', {}, h('summary', {}, `${nodes.length} node${nodes.length === 1 ? '' : 's'} (API format)`), h('pre', {}, json)),
      h('div', { class: 'actions' }, download));
  }

  function zoom(url, name) {
    const dialog = h('dialog', { 'aria-label': name },
      h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')),
      h('img', { src: url, alt: name }));
    dialog.addEventListener('close', () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  }

  async function act(fn) {
    try { await fn(); } catch (e) { if (e.status !== 401) toast(e.message); }
  }

  async function cancel() {
    await post(`/api/jobs/${id}/cancel`);
    toast('Cancel requested.');
    await reload();
  }

  async function runAgain() {
    const result = await post('/api/prompt', { prompt: job.workflow.prompt, extra_data: job.workflow.extra_data ?? undefined });
    location.hash = `#/jobs/${result.prompt_id}`;
  }

  async function remove() {
    await request('POST', '/api/history', { delete: [id] });
    toast('Deleted from history.');
    location.hash = '#/jobs';
  }

  // The end of a run is announced as it is committed: read again a few times until the stored job shows it.
  let retry = null;
  let left = false;
  async function settle(attempt = 0) {
    clearTimeout(retry);
    await reload().catch(() => {});
    if (!left && ACTIVE.includes(job.status) && attempt < 20) retry = setTimeout(() => settle(attempt + 1), 250 * (attempt + 1));
  }

  async function reload() {
    [job, status] = await Promise.all([get(`/api/jobs/${id}`), get(`/api/job/${id}/status`).catch(() => status)]);
    render();
  }

  clear(main, body);
  render();

  const mine = data => data?.prompt_id === id;
  const offs = [
    on('execution_start', data => { if (mine(data)) reload(); }),
    on('executing', data => {
      if (!mine(data)) return;
      if (running) progress.set(running, { ...(progress.get(running) ?? { max: 1 }), done: true });
      running = data.node ?? null;
      renderNodes();
    }),
    on('progress', data => { if (mine(data)) { progress.set(String(data.node), { value: data.value, max: data.max }); renderNodes(); } }),
    on('executed', data => { if (mine(data)) { progress.set(String(data.node), { max: 1, done: true }); renderNodes(); } }),
    on('execution_cached', data => { if (mine(data)) { (data.nodes ?? []).forEach(n => progress.set(String(n), { max: 1, done: true })); renderNodes(); } }),
    on('preview', ({ blob }) => {
      if (job.status !== 'in_progress' && !running) return;
      const old = previewImg.src;
      previewImg.src = URL.createObjectURL(blob);
      if (old) URL.revokeObjectURL(old);
      previewBox.hidden = false;
    }),
    ...['execution_success', 'execution_error', 'execution_interrupted'].map(type => on(type, data => { if (mine(data)) { running = null; settle(); } })),
    // The queue changed (a job ended, was cancelled or started): read this job again while it is still active.
    on('status', () => { if (ACTIVE.includes(job.status)) reload().catch(() => {}); }),
  ];
  return () => { left = true; offs.forEach(off => off()); clearTimeout(retry); };
}

function nodeList(prompt) {
  if (!prompt || typeof prompt !== 'object') return [];
  return Object.entries(prompt)
    .filter(([, node]) => node && typeof node === 'object')
    .map(([nodeId, node]) => ({ id: nodeId, title: node._meta?.title ?? node.class_type ?? nodeId }))
    .sort((a, b) => (Number(a.id) - Number(b.id)) || a.id.localeCompare(b.id));
}
