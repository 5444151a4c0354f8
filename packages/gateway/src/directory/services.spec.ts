import { servicesFromApps } from './services';
import { Rotation } from './rotation';

const task = (host: string, ports: number[], extra: object = {}) => ({ host, ports, state: 'TASK_RUNNING', ...extra });

describe('servicesFromApps', () => {
  it('finds apps by DCOS_SERVICE_NAME on the port at DCOS_SERVICE_PORT_INDEX (default 0)', () => {
    const m = servicesFromApps([
      { id: '/web', labels: { DCOS_SERVICE_NAME: 'web' }, tasks: [task('h1', [31000, 31001]), task('h2', [31005])] },
      { id: '/api', labels: { DCOS_SERVICE_NAME: 'api', DCOS_SERVICE_PORT_INDEX: '1', DCOS_SERVICE_SCHEME: 'https' }, tasks: [task('h1', [31002, 31003])] },
      { id: '/plain', tasks: [task('h1', [31009])] },
    ]);
    expect([...m.keys()].sort()).toEqual(['api', 'web']);
    expect(m.get('web')).toEqual({ app: '/web', urls: ['http://h1:31000', 'http://h2:31005'] });
    expect(m.get('api')).toEqual({ app: '/api', urls: ['https://h1:31003'] });
  });

  it('leaves out tasks not running, failing their health checks, or without the port', () => {
    const m = servicesFromApps([
      {
        id: '/web',
        labels: { DCOS_SERVICE_NAME: 'web', DCOS_SERVICE_PORT_INDEX: '1' },
        tasks: [task('h1', [1, 2]), task('h2', [1, 2], { state: 'TASK_STAGING' }), task('h3', [1, 2], { healthCheckResults: [{ alive: false }] }), task('h4', [1]), task('h5', [1, 2], { healthCheckResults: [{ alive: true }] })],
      },
    ]);
    expect(m.get('web')!.urls).toEqual(['http://h1:2', 'http://h5:2']);
  });

  it('a name claimed twice goes to the first app by id, whatever the order given', () => {
    const a = { id: '/b-second', labels: { DCOS_SERVICE_NAME: 'x' }, tasks: [task('h2', [2])] };
    const b = { id: '/a-first', labels: { DCOS_SERVICE_NAME: 'x' }, tasks: [task('h1', [1])] };
    expect(servicesFromApps([a, b]).get('x')!.app).toBe('/a-first');
    expect(servicesFromApps([b, a]).get('x')!.app).toBe('/a-first');
  });

  it('an app with the label and no usable task is known, with no address (a 503, not a 404)', () => {
    expect(servicesFromApps([{ id: '/w', labels: { DCOS_SERVICE_NAME: 'w', DCOS_SERVICE_PORT_INDEX: 'x' }, tasks: [task('h', [1])] }]).get('w')).toEqual({ app: '/w', urls: [] });
  });
});

describe('Rotation', () => {
  it('stays on an address until it fails, then moves to the next, wrapping', () => {
    const r = new Rotation(['a', 'b', 'c']);
    expect(r.current).toBe('a');
    r.failed('a');
    expect(r.current).toBe('b');
    r.failed('a'); // a late report of the old failure does not skip b
    expect(r.current).toBe('b');
    r.failed('b');
    r.failed('c');
    expect(r.current).toBe('a');
    expect(new Rotation([]).current).toBeUndefined();
  });
});
