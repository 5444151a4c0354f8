import type { ComponentChildren } from 'preact';
import { share } from '@strata/operator-model';

export function Bar({ used, total, label }: { used: number; total: number; label: string }) {
  const pct = Math.round(share(used, total) * 100);
  return (
    <div class="bar" role="meter" aria-label={label} aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
      <div class="fill" style={{ width: `${pct}%` }} />
      <span>
        {label} {fmt(used)} / {fmt(total)} ({pct}%)
      </span>
    </div>
  );
}

export const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function Card({ title, children, testId }: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section class="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A line chart of shares (0..1) over time, as SVG: one polyline per series. */
export function Chart({ series, labels }: { series: number[][]; labels: string[] }) {
  const w = 300;
  const h = 80;
  const colors = ['#2f81f7', '#3fb950', '#d29922'];
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label="allocation over time">
      {series.map((s, i) => (
        <polyline key={labels[i]} fill="none" stroke={colors[i % colors.length]} stroke-width="2" points={s.map((v, x) => `${(x / Math.max(1, s.length - 1)) * w},${h - v * (h - 4) - 2}`).join(' ')} />
      ))}
      {labels.map((l, i) => (
        <text key={l} x={4 + i * 70} y={12} fill={colors[i % colors.length]} font-size="10">
          {l}
        </text>
      ))}
    </svg>
  );
}

export function ErrorLine({ text }: { text?: string }) {
  return text ? <p class="error" role="alert">{text}</p> : null;
}
