import { describeRoute, routeOf } from './route-table';

describe('routeOf', () => {
  it.each([
    ['/mesos/master/state', { kind: 'master', path: '/master/state' }],
    ['/mesos', { kind: 'master', path: '/' }],
    ['/mesos/', { kind: 'master', path: '/' }],
    ['/mesos/master/state?jsonp=x', { kind: 'master', path: '/master/state?jsonp=x' }],
    ['/marathon/v2/apps?embed=apps.tasks', { kind: 'marathon', path: '/v2/apps?embed=apps.tasks' }],
    ['/service/marathon/v2/apps', { kind: 'marathon', path: '/v2/apps' }],
    ['/chronos/v1/scheduler/jobs', { kind: 'chronos', path: '/v1/scheduler/jobs' }],
    ['/service/chronos/v1/scheduler/jobs', { kind: 'chronos', path: '/v1/scheduler/jobs' }],
    ['/service/web/index.html?a=1&b=2', { kind: 'service', name: 'web', path: '/index.html?a=1&b=2' }],
    ['/service/web', { kind: 'service', name: 'web', path: '/' }],
    ['/service/my%20app/x', { kind: 'service', name: 'my app', path: '/x' }],
    ['/agent/m1-S0/files/browse?path=/x', { kind: 'agent', id: 'm1-S0', path: '/files/browse?path=/x' }],
    ['/slave/m1-S0/state', { kind: 'agent', id: 'm1-S0', path: '/state' }],
  ])('%s', (url, route) => {
    expect(routeOf(url)).toEqual(route);
  });

  it.each(['/', '/health', '/metrics', '/index.html', '/assets/app.js', '/service', '/service/', '/agent', '/agent/', '/service/%E0%A4%A/x', '/mesosphere', '/marathonx/v2'])('%s is the gateway own', (url) => {
    expect(routeOf(url)).toEqual({ kind: 'gateway' });
  });

  it('keeps what follows the prefix byte for byte, encoded segments and empty ones included', () => {
    expect(routeOf('/marathon/v2/apps/%2Fprod%2Fweb//x')).toEqual({ kind: 'marathon', path: '/v2/apps/%2Fprod%2Fweb//x' });
  });

  it("a service named after an Object.prototype member is an ordinary service", () => {
    for (const name of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(routeOf(`/service/${name}/x`)).toEqual({ kind: 'service', name, path: '/x' });
  });

  it('describes each upstream in words', () => {
    expect(describeRoute({ kind: 'master', path: '/' })).toBe('the leading master');
    expect(describeRoute({ kind: 'service', name: 'web', path: '/' })).toBe("service 'web'");
    expect(describeRoute({ kind: 'agent', id: 'S1', path: '/' })).toBe("agent 'S1'");
  });
});
