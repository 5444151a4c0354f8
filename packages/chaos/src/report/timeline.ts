import type { CheckerVerdict } from '../checkers/verdict';
import type { HistoryData, Operation } from '../history/history';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The run as a page an operator opens: time runs left to right; faults are bands across the
 * whole height; each client has a row of operations (green ok, grey fail, amber unknown); the
 * operations and observations a checker named are red, and the verdicts are listed below with
 * their counter-examples. One self-contained HTML file with inline SVG: nothing to fetch.
 */
export function renderTimeline(history: HistoryData, verdicts: CheckerVerdict[]): string {
  const t0 = history.startedAt;
  const t1 = Math.max(history.endedAt ?? t0 + 1, ...history.entries.map((e) => (e.kind === 'op' ? e.completedAt ?? e.invokedAt : e.kind === 'fault' ? e.healedAt ?? e.startedAt : e.at)));
  const width = 1200;
  const left = 90;
  const x = (t: number) => left + ((t - t0) / Math.max(1, t1 - t0)) * (width - left - 10);
  const ops = history.entries.filter((e): e is Operation => e.kind === 'op');
  const clients = [...new Set(ops.map((o) => o.client))];
  const rowH = 28;
  const top = 30;
  const height = top + clients.length * rowH + 30;
  const bad = new Set<number>();
  for (const v of verdicts) for (const x2 of v.violations) {
    if (x2.op !== undefined) bad.add(x2.op);
    if (x2.observation !== undefined) bad.add(x2.observation);
  }
  const parts: string[] = [];
  for (const e of history.entries) {
    if (e.kind !== 'fault') continue;
    const a = x(e.startedAt);
    const b = x(e.healedAt ?? t1);
    parts.push(`<rect x="${a.toFixed(1)}" y="${top - 20}" width="${Math.max(1, b - a).toFixed(1)}" height="${height - top}" fill="#f5c2c2" opacity="0.5"><title>${esc(`${e.fault} ${e.targets.join(',')}: ${e.detail ?? ''} (+${((e.startedAt - t0) / 1000).toFixed(1)} s, ${(((e.healedAt ?? t1) - e.startedAt) / 1000).toFixed(1)} s)`)}</title></rect>`);
    parts.push(`<text x="${(a + 2).toFixed(1)}" y="${top - 8}" font-size="10" fill="#933">${esc(e.fault)}</text>`);
  }
  clients.forEach((c, i) => {
    const y = top + i * rowH + rowH / 2;
    parts.push(`<text x="4" y="${y + 4}" font-size="12">${esc(c)}</text><line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    for (const o of ops.filter((op) => op.client === c)) {
      const a = x(o.invokedAt);
      const b = x(o.completedAt ?? t1);
      const color = bad.has(o.index) ? '#d00' : o.outcome === 'ok' ? '#2a2' : o.outcome === 'fail' ? '#999' : '#e90';
      parts.push(`<rect x="${a.toFixed(1)}" y="${y - 6}" width="${Math.max(2, b - a).toFixed(1)}" height="12" fill="${color}"><title>${esc(`#${o.index} ${o.f} ${JSON.stringify(o.value)} → ${o.outcome ?? 'pending'}${o.error ? `: ${o.error}` : ''}`)}</title></rect>`);
    }
  });
  for (const e of history.entries) {
    if (e.kind === 'observe' && bad.has(e.index)) parts.push(`<circle cx="${x(e.at).toFixed(1)}" cy="${height - 14}" r="5" fill="#d00"><title>${esc(`#${e.index} ${e.what} from ${e.source}`)}</title></circle>`);
  }
  for (let s = 0; s <= (t1 - t0) / 1000; s += 30) parts.push(`<text x="${x(t0 + s * 1000).toFixed(1)}" y="${height - 2}" font-size="9" fill="#666">${s}s</text>`);
  const valid = verdicts.every((v) => v.valid);
  const rows = verdicts.map((v) => `<h2 class="${v.valid ? 'ok' : 'bad'}">${esc(v.checker)}: ${v.valid ? 'valid' : 'INVALID'}</h2><p>${esc(Object.entries(v.checked).map(([k, n]) => `${k} ${n}`).join(', '))}</p>${v.violations.length ? `<ul>${v.violations.slice(0, 200).map((x2) => `<li><b>${esc(x2.kind)}</b> ${esc(x2.message)}${x2.op !== undefined ? ` (op #${x2.op})` : ''}</li>`).join('')}</ul>` : ''}`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Strata chaos run, seed ${history.seed}</title>
<style>body{font-family:sans-serif;margin:16px}h1{font-size:18px}h2{font-size:15px;margin:12px 0 4px}.ok{color:#272}.bad{color:#c00}svg{border:1px solid #ccc}</style></head>
<body><h1>Strata chaos run, seed ${history.seed}: <span class="${valid ? 'ok' : 'bad'}">${valid ? 'valid' : 'INVALID'}</span></h1>
<p>${new Date(t0).toISOString()}, ${((t1 - t0) / 1000).toFixed(0)} s; ${ops.length} operations, ${history.entries.filter((e) => e.kind === 'fault').length} faults. Bands: faults. Marks: green ok, grey failed, amber unknown, red named by a checker.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>
${rows}
</body></html>
`;
}
