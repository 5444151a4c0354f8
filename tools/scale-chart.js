#!/usr/bin/env node
// Draws launch overhead vs emulated agents (the Mesos paper's Figure) from `npm run bench` JSON:
//   node tools/scale-chart.js bench.json > docs/scale-launch-overhead.svg
// Strata's p50 and p99 at the moderate load beside the paper's published points, log-scale y.
'use strict';
const fs = require('node:fs');

const input = JSON.parse(fs.readFileSync(process.argv[2] || 0, 'utf8'));
const runs = (input.scale || []).map((r) => ({ agents: r.agents, phase: r.phases.find((p) => p.phase === 'moderate') })).filter((r) => r.phase);
if (!runs.length) throw new Error('no scale results with a moderate phase in the input');

// Mesos paper (NSDI 2011) §6.5, Figure 10, read off the chart (../shared/reference/mesos.md): the
// extra time of a framework that registers, waits for an offer, launches a task and sees it end.
const paper = [[1000, 130], [5000, 170], [10000, 230], [15000, 270], [20000, 380], [30000, 385], [40000, 540], [50000, 750]].map(([agents, ms]) => ({ agents, ms }));
const series = [
  { name: 'Strata p50', color: '#1f77b4', points: runs.map((r) => ({ agents: r.agents, ms: r.phase.launch_overhead_ms.p50 })) },
  { name: 'Strata p99', color: '#d62728', points: runs.map((r) => ({ agents: r.agents, ms: r.phase.launch_overhead_ms.p99 })) },
  { name: "Strata, the paper's measure (mean)", color: '#2ca02c', points: runs.filter((r) => r.phase.paper_overhead_ms).map((r) => ({ agents: r.agents, ms: r.phase.paper_overhead_ms.mean })) },
  { name: 'Mesos paper (2011)', color: '#7f7f7f', dashed: true, points: paper },
];

const W = 640, H = 400, L = 70, R = 20, T = 40, B = 60;
const xs = [0, 10000, 20000, 30000, 40000, 50000];
const ys = [1, 10, 100, 1000];
const x = (a) => L + (a / 50000) * (W - L - R);
const y = (ms) => T + (1 - (Math.log10(Math.max(ms, 1)) - 0) / 3) * (H - T - B);
const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">Task launch overhead vs emulated agents (Strata p50/p99: accept to TASK_RUNNING)</text>`);
for (const v of ys) out.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${v} ms</text>`);
for (const v of xs) out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${T}" y2="${H - B}" stroke="#eee"/><text x="${x(v)}" y="${H - B + 18}" text-anchor="middle">${v.toLocaleString('en')}</text>`);
out.push(`<text x="${W / 2}" y="${H - 15}" text-anchor="middle">agents</text>`);
series.forEach((s, i) => {
  const pts = s.points.map((p) => `${x(p.agents).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ');
  out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
  for (const p of s.points) out.push(`<circle cx="${x(p.agents).toFixed(1)}" cy="${y(p.ms).toFixed(1)}" r="3.5" fill="${s.color}"><title>${s.name}: ${p.ms} ms at ${p.agents} agents</title></circle>`);
  out.push(`<rect x="${L + 10}" y="${T + 8 + i * 18}" width="14" height="3" fill="${s.color}"/><text x="${L + 30}" y="${T + 13 + i * 18}">${s.name}</text>`);
});
out.push('</svg>');
process.stdout.write(out.join('\n') + '\n');
