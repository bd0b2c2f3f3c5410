import { h, clear } from './dom.js';
import { get } from './api.js';

// The system (admins): version, store, stored jobs by state, jobs ended per minute over the last hour (an inline
// SVG chart, no library) and worker utilisation, from GET /api/admin/system; refreshed every 15 seconds.
const STATES = [['queued', 'Queued'], ['dispatched', 'Dispatched'], ['running', 'Running'], ['cancelling', 'Cancelling'],
  ['succeeded', 'Succeeded'], ['failed', 'Failed'], ['cancelled', 'Cancelled']];
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child instanceof Node ? child : String(child));
  return el;
}

// One stacked bar a minute (succeeded, failed, cancelled), oldest on the left; each bar has a tooltip.
export function finishedChart(minutes) {
  const width = 1200, height = 180, top = 12, bottom = 24, slot = width / minutes.length;
  const peak = Math.max(1, ...minutes.map(m => m.succeeded + m.failed + m.cancelled));
  const total = minutes.reduce((sum, m) => sum + m.succeeded + m.failed + m.cancelled, 0);
  const scale = (height - top - bottom) / peak;
  const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-title' },
    svg('title', { id: 'chart-title' }, `Jobs ended per minute over the last hour: ${total} in all, at most ${total ? peak : 0} in a minute.`),
    svg('line', { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, class: 'axis' }),
    svg('text', { x: 0, y: height - 4, class: 'tick' }, time.format(new Date(minutes[0].start))),
    svg('text', { x: width, y: height - 4, class: 'tick', 'text-anchor': 'end' }, 'now'),
    svg('text', { x: 2, y: top, class: 'tick', 'dominant-baseline': 'hanging' }, total ? `${peak} per minute` : 'none ended in the last hour'));
  minutes.forEach((m, i) => {
    let y = height - bottom;
    const bar = svg('g', { 'data-minute': m.start },
      svg('title', {}, `${time.format(new Date(m.start))}: ${m.succeeded} succeeded, ${m.failed} failed, ${m.cancelled} cancelled`));
    for (const [count, kind] of [[m.succeeded, 'ok'], [m.failed, 'bad'], [m.cancelled, 'warn']]) {
      if (!count) continue;
      const barHeight = count * scale;
      y -= barHeight;
      bar.append(svg('rect', { x: i * slot + 1, y, width: Math.max(1, slot - 2), height: barHeight, class: kind }));
    }
    chart.append(bar);
  });
  return chart;
}

export async function systemPage(main) {
  const body = h('div', { class: 'stack' });
  clear(main, h('h1', {}, 'System'), body);

  async function load() {
    const s = await get('/api/admin/system');
    const w = s.workers;
    const percent = Math.round(w.utilisation * 100);
    clear(body,
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'sys-about' }, h('h2', { id: 'sys-about' }, 'Gantry'),
          h('dl', { class: 'facts' },
            h('dt', {}, 'Version'), h('dd', { id: 'sys-version' }, s.version),
            h('dt', {}, 'Store'), h('dd', { id: 'sys-store' }, s.store === 'postgresql' ? 'PostgreSQL' : 'SQLite'),
            h('dt', {}, 'Workers'), h('dd', {}, `${w.online} online of ${w.total}`))),
        h('section', { class: 'panel', 'aria-labelledby': 'sys-util' }, h('h2', { id: 'sys-util' }, 'Worker utilisation'),
          h('p', { id: 'sys-utilisation' }, `${w.busy} of ${w.slots} slots busy (${percent}%)`),
          h('progress', { max: Math.max(1, w.slots), value: w.busy, 'aria-labelledby': 'sys-util sys-utilisation' }))),
      h('section', { class: 'panel', 'aria-labelledby': 'sys-states' }, h('h2', { id: 'sys-states' }, 'Jobs by state'),
        h('dl', { class: 'counts' }, STATES.map(([key, label]) => h('div', { 'data-state': key },
          h('dt', {}, label), h('dd', {}, s.jobs_by_state[key].toLocaleString()))))),
      h('section', { class: 'panel', 'aria-labelledby': 'sys-chart' }, h('h2', { id: 'sys-chart' }, 'Jobs ended per minute, last hour'),
        finishedChart(s.finished_per_minute),
        h('p', { class: 'legend muted' }, h('span', { class: 'ok' }, 'succeeded'), h('span', { class: 'bad' }, 'failed'), h('span', { class: 'warn' }, 'cancelled'))));
  }

  await load();
  const timer = setInterval(() => load().catch(() => {}), 15000);
  return () => clearInterval(timer);
}
