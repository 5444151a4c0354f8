import { endpointsText } from './system';
import { matchesLabels } from './apps';

describe("matchesLabels (Marathon's label selector)", () => {
  const labels = { tier: 'web', env: 'prod' };
  it.each([
    ['tier', true],
    ['tier==web', true],
    ['tier!=web', false],
    ['tier in (web, db)', true],
    ['tier notin (web)', false],
    ['missing notin (x)', true],
    ['tier,env==prod', true],
    ['tier,env==dev', false],
    ['constructor', false],
    ['__proto__', false],
    ['toString', false],
    ['constructor!=x', true],
    ['hasOwnProperty==x', false],
    ['constructor in (x)', false],
  ])('%s -> %s', (selector, ok) => expect(matchesLabels(labels, selector)).toBe(ok));
});

describe('endpointsText (text/plain tasks)', () => {
  it('writes one line per app and service port, the app id with / as _', () => {
    const apps = [
      { id: '/prod/web', portDefinitions: [{ port: 10000 }, { port: 10001 }] },
      { id: '/bare', portDefinitions: [] },
    ] as never[];
    const tasks = [
      { appId: '/prod/web', host: 'h1', ports: [31000, 31001], state: 'TASK_RUNNING' },
      { appId: '/prod/web', host: 'h2', ports: [31005, 31006], state: 'TASK_RUNNING' },
      { appId: '/prod/web', host: 'h3', ports: [31007, 31008], state: 'TASK_STAGING' },
      { appId: '/bare', host: 'h1', ports: [], state: 'TASK_RUNNING' },
    ];
    expect(endpointsText(apps, tasks)).toBe('bare\t \th1\t\nprod_web\t10000\th1:31000\th2:31005\t\nprod_web\t10001\th1:31001\th2:31006\t\n');
  });
});
