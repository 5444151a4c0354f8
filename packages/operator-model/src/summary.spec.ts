import { clusterSummary, deploymentProgress, fieldErrors, launchReasons, pushSample, serviceHealth, serviceStatus, share, type MarathonApp } from './summary';

const agent = (id: string, active: boolean, cpus: number, usedCpus: number) => ({ id, hostname: 'h', port: 5051, active, resources: { cpus, mem: 1024, disk: 100, ports: '[31000-31100]' }, used_resources: { cpus: usedCpus, mem: 128, disk: 0 } });

describe('clusterSummary', () => {
  it('adds up active agents only, and counts tasks by state', () => {
    const s = clusterSummary({
      slaves: [agent('a', true, 4, 1), agent('b', true, 2, 0.5), agent('c', false, 8, 8)],
      frameworks: [{ id: 'f', name: 'marathon', tasks: [{ id: 't1', name: 'x', state: 'TASK_RUNNING', slave_id: 'a' }, { id: 't2', name: 'x', state: 'TASK_RUNNING', slave_id: 'b' }, { id: 't3', name: 'x', state: 'TASK_STAGING', slave_id: 'b' }] }],
    });
    expect(s.agents).toEqual({ active: 2, inactive: 1 });
    expect(s.total).toEqual({ cpus: 6, mem: 2048, disk: 200 });
    expect(s.used).toEqual({ cpus: 1.5, mem: 256, disk: 0 });
    expect(s.tasksByState).toEqual({ TASK_RUNNING: 2, TASK_STAGING: 1 });
  });
});

describe('serviceStatus and serviceHealth', () => {
  const app = (o: Partial<MarathonApp> = {}): MarathonApp => ({ id: '/a', instances: 2, cpus: 0.1, mem: 32, tasksRunning: 2, ...o });
  it('says Deploying, Waiting, Delayed, Suspended or Running as DC/OS does', () => {
    expect(serviceStatus(app())).toBe('Running');
    expect(serviceStatus(app({ instances: 0 }))).toBe('Suspended');
    expect(serviceStatus(app({ deployments: [{ id: 'd' }] }))).toBe('Deploying');
    expect(serviceStatus(app({ deployments: [{ id: 'd' }] }), [{ app: { id: '/a' }, delay: { overdue: true } }])).toBe('Waiting');
    expect(serviceStatus(app(), [{ app: { id: '/a' }, delay: { overdue: false, timeLeftSeconds: 30 } }])).toBe('Delayed');
    expect(serviceStatus(app(), [{ app: { id: '/other' }, delay: { overdue: false, timeLeftSeconds: 30 } }])).toBe('Running');
  });
  it('health is N/A without checks, healthy when every instance is', () => {
    expect(serviceHealth(app())).toBe('N/A');
    expect(serviceHealth(app({ instances: 0 }))).toBe('Idle');
    expect(serviceHealth(app({ healthChecks: [{}], tasksHealthy: 2 }))).toBe('Healthy');
    expect(serviceHealth(app({ healthChecks: [{}], tasksHealthy: 1 }))).toBe('Unhealthy');
    expect(serviceHealth(app({ healthChecks: [{}], tasksHealthy: 2, tasksUnhealthy: 1 }))).toBe('Unhealthy');
  });
});

describe('fieldErrors', () => {
  it("maps Marathon's 422 details to fields", () => {
    expect(fieldErrors({ message: 'Object is not valid', details: [{ path: '/cpus', errors: ['got -1.0, expected 0.0 or more'] }, { path: '/', errors: ['AppDefinition must either contain one of cmd or args'] }, { path: '/portDefinitions(0)/port', errors: ['bad'] }] })).toEqual({
      cpus: ['got -1.0, expected 0.0 or more'],
      _form: ['AppDefinition must either contain one of cmd or args'],
      'portDefinitions/port': ['bad'],
    });
    expect(fieldErrors(undefined)).toEqual({});
    expect(fieldErrors({ message: 'x' })).toEqual({});
  });
});

describe('share and pushSample', () => {
  it('bounds shares to [0, 1] and series to their length', () => {
    expect(share(1, 4)).toBe(0.25);
    expect(share(5, 4)).toBe(1);
    expect(share(1, 0)).toBe(0);
    expect(pushSample([1, 2, 3], 4, 3)).toEqual([2, 3, 4]);
    expect(pushSample([], 1)).toEqual([1]);
  });
});

describe('launchReasons', () => {
  const summary = (pairs: [string, number][], processed = 3) => ({ processedOffersCount: processed, rejectSummaryLastOffers: pairs.map(([reason, declined]) => ({ reason, declined, processed })) });
  it('lists the reasons that declined offers, most first, in words, with the backoff before them', () => {
    expect(launchReasons(undefined)).toEqual([]);
    expect(launchReasons({ processedOffersSummary: summary([['UnfulfilledRole', 0], ['InsufficientMemory', 1], ['InsufficientCpus', 3]]) })).toEqual(['insufficient cpus (3 of 3 offers)', 'insufficient memory (1 of 3 offers)']);
    expect(launchReasons({ delay: { overdue: false, timeLeftSeconds: 7 }, processedOffersSummary: summary([['Novel', 2]]) })).toEqual(['backing off: 7 s left', 'Novel (2 of 3 offers)']);
    expect(launchReasons({ delay: { overdue: true, timeLeftSeconds: 0 }, processedOffersSummary: summary([]) })).toEqual([]);
  });
});

describe('deploymentProgress', () => {
  const d = { id: 'd1', affectedApps: ['/a', '/b'], currentStep: 1, totalSteps: 2, currentActions: [{ action: 'StartApplication', app: '/a' }, { action: 'ScaleApplication', app: '/a' }, { action: 'StopApplication', app: '/c' }] };
  it("names the step and this app's actions in it", () => {
    expect(deploymentProgress([d], '/a')).toBe('step 1 of 2: StartApplication, ScaleApplication');
    expect(deploymentProgress([d], '/b')).toBe('step 1 of 2: StartApplication, ScaleApplication, StopApplication');
    expect(deploymentProgress([d], '/z')).toBeUndefined();
    expect(deploymentProgress([{ ...d, currentActions: [] }], '/a')).toBe('step 1 of 2');
  });
});
