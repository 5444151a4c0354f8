import { History } from '../history/history';
import { verdict } from '../checkers/verdict';
import { renderTimeline } from './timeline';

describe('the timeline page', () => {
  it('draws faults as bands, operations by outcome, and what a checker named in red, escaped', () => {
    let t = 1_000;
    const h = new History(5, () => (t += 1_000));
    const ok = h.invoke('marathon', 'app-create', { appId: '/a<b>' });
    h.complete(ok, 'ok');
    const f = h.fault('partition-isolate', ['h2'], 'h2 cut off');
    const lost = h.invoke('marathon', 'app-scale', { appId: '/a<b>', instances: 3 });
    h.complete(lost, 'ok');
    const unknown = h.invoke('chronos', 'job-create', { name: 'j' });
    h.complete(unknown, 'info', undefined, 'timeout');
    h.healed(f);
    h.end();
    const html = renderTimeline(h.toJSON(), [verdict('marathon', { apps: 1 }, [{ kind: 'acknowledged-change-lost', message: 'lost <scale>', op: lost.index }]), verdict('chronos', { jobs: 1 }, [])]);
    expect(html).toContain('seed 5: <span class="bad">INVALID</span>');
    expect(html).toMatch(/<rect [^>]*fill="#f5c2c2"[^>]*><title>partition-isolate h2: h2 cut off/);
    expect(html).toContain('fill="#2a2"'); // the ok create
    expect(html).toContain('fill="#d00"'); // the scale the checker named
    expect(html).toContain('fill="#e90"'); // the unknown create
    expect(html).toContain('lost &lt;scale&gt;');
    expect(html).not.toContain('/a<b>');
    expect(html).toContain('chronos: valid');
  });
});
