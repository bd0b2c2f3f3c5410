import { h, clear, toast } from './dom.js';
import { post, ApiError } from './api.js';
import { isPng, readPromptText, PngError, MAX_PNG_BYTES } from './pngprompt.js';

const MAX_JSON_BYTES = 16 * 1024 * 1024;
const MAX_NODES = 5000;

// Run a workflow: an API-format JSON or a ComfyUI PNG in, its literal inputs editable (like `gantry submit --set`),
// images for LoadImage nodes uploaded, then POST /api/prompt and on to the job's page. A refused prompt's
// node_errors are shown at the node and input they name.
export async function runPage(main) {
  let prompt = null;
  let source = '';
  const fileError = h('p', { class: 'formerror', id: 'run-file-error', role: 'alert' });
  const formError = h('div', { class: 'formerror', id: 'run-error', role: 'alert' });
  const picker = h('input', { id: 'run-file', type: 'file', accept: '.json,application/json,.png,image/png', 'aria-describedby': 'run-file-error' });
  picker.addEventListener('change', () => { if (picker.files?.[0]) load(picker.files[0]); });
  const drop = h('div', { class: 'drop panel' },
    h('label', { for: 'run-file' }, 'Workflow file (API-format JSON, or a PNG saved by ComfyUI)', picker),
    h('p', { class: 'muted' }, 'Or drop the file anywhere on this box.'),
    fileError);
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) load(file);
  });
  const editor = h('div');
  clear(main, h('h1', {}, 'Run a workflow'), drop, editor);

  async function load(file) {
    fileError.textContent = '';
    try {
      prompt = await readWorkflow(file);
      source = file.name;
      render();
    } catch (error) {
      prompt = null;
      clear(editor);
      fileError.textContent = error instanceof PngError || error instanceof WorkflowError ? error.message : `Could not read ${file.name}.`;
    }
  }

  function render() {
    const ids = Object.keys(prompt).sort((a, b) => (Number(a) - Number(b)) || a.localeCompare(b));
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Run');
    const form = h('form', {
      onsubmit: async event => {
        event.preventDefault();
        submit.disabled = true;
        await run().finally(() => { submit.disabled = false; });
      },
    },
    h('p', { class: 'muted' }, `${ids.length} node${ids.length === 1 ? '' : 's'} from ${source}. Change literal values below; links between nodes stay as they are.`),
    h('table', { class: 'inputs' },
      h('caption', { class: 'sr-only' }, 'Nodes and their inputs'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Node'), h('th', { scope: 'col' }, 'Input'), h('th', { scope: 'col' }, 'Value'))),
      ids.map(nodeRows)),
    formError,
    h('div', { class: 'actions' }, submit));
    clear(editor, form);
  }

  function nodeRows(id) {
    const node = prompt[id];
    const title = node._meta?.title && node._meta.title !== node.class_type ? `${node._meta.title} (${node.class_type})` : node.class_type;
    const inputs = Object.entries(node.inputs ?? {});
    const head = h('tr', { class: 'node', 'data-node': id },
      h('th', { scope: 'rowgroup', colspan: 3 }, h('span', { class: 'mono muted' }, `#${id} `), title,
        h('div', { class: 'formerror node-error', 'data-error-node': id })));
    return h('tbody', {}, head, inputs.length
      ? inputs.map(([name, value]) => h('tr', { 'data-node': id, 'data-input': name },
        h('td', {}, ''),
        h('td', { class: 'mono' }, name),
        h('td', {}, control(id, node, name, value), h('div', { class: 'formerror input-error', 'data-error-node': id, 'data-error-input': name }))))
      : h('tr', {}, h('td', {}), h('td', { colspan: 2, class: 'muted' }, 'No inputs.')));
  }

  function control(id, node, name, value) {
    const label = `${name} of node #${id}`;
    const set = v => { node.inputs[name] = v; };
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isInteger(value[1])) {
      return h('span', { class: 'muted' }, `← output ${value[1]} of node #${value[0]}`);
    }
    if (typeof value === 'boolean') {
      return h('input', { type: 'checkbox', 'aria-label': label, checked: value, onchange: e => set(e.target.checked) });
    }
    if (typeof value === 'number') {
      return h('input', { type: 'number', step: 'any', 'aria-label': label, value: String(value), oninput: e => { if (e.target.value !== '' && Number.isFinite(Number(e.target.value))) set(Number(e.target.value)); } });
    }
    if (typeof value === 'string') {
      const field = value.length > 60 || value.includes('\n')
        ? h('textarea', { 'aria-label': label, rows: Math.min(8, value.split('\n').length + 1), oninput: e => set(e.target.value) }, value)
        : h('input', { type: 'text', 'aria-label': label, value, oninput: e => set(e.target.value) });
      if (!isImageInput(node, name)) return field;
      const upload = h('input', { type: 'file', accept: 'image/*', 'aria-label': `Upload an image for ${label}`, onchange: e => uploadFor(e.target, field, set) });
      return h('div', { class: 'upload' }, field, upload);
    }
    return h('span', { class: 'mono muted' }, JSON.stringify(value));
  }

  async function uploadFor(input, field, set) {
    const file = input.files?.[0];
    if (!file) return;
    const form = new FormData();
    form.append('image', file, file.name);
    try {
      const answer = await post('/api/upload/image', form);
      const name = answer.subfolder ? `${answer.subfolder}/${answer.name}` : answer.name;
      field.value = name;
      set(name);
      toast(`Uploaded ${answer.name}.`);
    } catch (error) {
      if (error.status !== 401) toast(`Upload failed: ${error.message}`);
    }
  }

  async function run() {
    clear(formError);
    editor.querySelectorAll('[data-error-node]').forEach(el => { el.textContent = ''; });
    editor.querySelectorAll('[aria-invalid]').forEach(el => el.removeAttribute('aria-invalid'));
    try {
      const answer = await post('/api/prompt', { prompt });
      location.hash = `#/jobs/${answer.prompt_id}`;
    } catch (error) {
      if (error.status === 401) return;
      showErrors(error);
    }
  }

  function showErrors(error) {
    const body = error instanceof ApiError ? error.body : null;
    const summary = body?.error?.message ?? body?.message ?? error.message;
    const details = body?.error?.details;
    clear(formError, h('p', {}, summary), details ? h('p', {}, details) : null);
    let first = null;
    for (const [nodeId, entry] of Object.entries(body?.node_errors ?? {})) {
      for (const item of entry?.errors ?? []) {
        const input = item?.extra_info?.input_name;
        const text = [item?.message, item?.details].filter(Boolean).join(': ');
        const at = input !== undefined && editor.querySelector(`[data-error-node="${CSS.escape(nodeId)}"][data-error-input="${CSS.escape(String(input))}"]`)
          || editor.querySelector(`.node-error[data-error-node="${CSS.escape(nodeId)}"]`);
        if (!at) { formError.append(h('p', {}, `Node #${nodeId}: ${text}`)); continue; }
        at.append(h('div', {}, text));
        const field = at.parentElement?.querySelector('input, textarea');
        if (field && at.classList.contains('input-error')) {
          field.setAttribute('aria-invalid', 'true');
          first ??= field;
        }
      }
    }
    (first ?? formError).scrollIntoView?.({ block: 'center' });
  }
}

class WorkflowError extends Error {}

function isImageInput(node, name) {
  return name === 'image' && /^LoadImage/.test(node.class_type ?? '');
}

// A File to an API-format prompt: JSON (the prompt itself, or {prompt: ...}), or a PNG's "prompt" text chunk.
async function readWorkflow(file) {
  if (file.size > MAX_PNG_BYTES) throw new WorkflowError(`${file.name} is larger than ${MAX_PNG_BYTES / 1048576} MB.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text;
  if (isPng(bytes)) {
    text = await readPromptText(bytes);
    if (text === null) throw new WorkflowError(`${file.name} has no workflow: ComfyUI stores the prompt in a "prompt" text chunk, and this PNG has none.`);
  } else {
    if (bytes.length > MAX_JSON_BYTES) throw new WorkflowError(`${file.name} is larger than ${MAX_JSON_BYTES / 1048576} MB.`);
    text = new TextDecoder().decode(bytes);
  }
  let value;
  try { value = JSON.parse(text); } catch { throw new WorkflowError(`${file.name} is not valid JSON.`); }
  if (value && typeof value === 'object' && value.prompt && typeof value.prompt === 'object' && !Array.isArray(value.prompt)) value = value.prompt;
  if (value && Array.isArray(value.nodes) && Array.isArray(value.links)) {
    throw new WorkflowError('This is the editor\'s workflow format. Export it in API format ("Export (API)") and try again.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new WorkflowError(`${file.name} is not an API-format workflow.`);
  const entries = Object.entries(value);
  if (!entries.length) throw new WorkflowError(`${file.name} has no nodes.`);
  if (entries.length > MAX_NODES) throw new WorkflowError(`${file.name} has more than ${MAX_NODES} nodes.`);
  for (const [id, node] of entries) {
    if (!node || typeof node !== 'object' || typeof node.class_type !== 'string') {
      throw new WorkflowError(`Node ${id} has no class_type: ${file.name} is not an API-format workflow.`);
    }
    if (node.inputs !== undefined && (typeof node.inputs !== 'object' || node.inputs === null || Array.isArray(node.inputs))) {
      throw new WorkflowError(`Node ${id} has malformed inputs.`);
    }
  }
  return value;
}
