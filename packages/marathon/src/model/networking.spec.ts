import { hostPortSlots, normalizeNetworking } from './networking';
import { validateApp } from './validation';

const V = '2026-12-01T00:00:00.000Z';
const app = (body: Record<string, unknown>) => {
  const r = validateApp({ id: '/n', ...body }, { version: V });
  if (!r.ok) throw new Error(JSON.stringify(r.details));
  return r.app;
};

describe('Marathon networking', () => {
  const image = { type: 'DOCKER', docker: { image: 'busybox' } };
  it('gives host networking and host ports from portDefinitions however it is said', () => {
    for (const body of [
      { container: { type: 'DOCKER', docker: { image: 'busybox', network: 'HOST' } }, portDefinitions: [{ port: 0 }] },
      { container: image, networks: [{ mode: 'host' }], portDefinitions: [{ port: 0 }] },
      { container: image, portDefinitions: [{ port: 0 }] },
      { cmd: 'x', portDefinitions: [{ port: 0 }] },
    ]) {
      const a = app(body);
      expect(a.networks).toEqual([{ mode: 'host' }]);
      expect(hostPortSlots(a)).toEqual([0]);
      expect((a.container?.docker as Record<string, unknown> | undefined)?.network).toBeUndefined();
    }
    expect(hostPortSlots(app({ cmd: 'x', requirePorts: true, portDefinitions: [{ port: 8080 }, { port: 0 }] }))).toEqual([8080, 0]);
  });

  it('moves BRIDGE port mappings to the container, defaulting hostPort to 0', () => {
    const a = app({ container: { type: 'DOCKER', docker: { image: 'busybox', network: 'BRIDGE', portMappings: [{ containerPort: 80 }, { containerPort: 53, hostPort: 31053, protocol: 'udp' }] } } });
    expect(a.networks).toEqual([{ mode: 'container/bridge' }]);
    expect(a.portDefinitions).toEqual([]);
    expect(a.container!.portMappings).toEqual([
      { containerPort: 80, hostPort: 0, servicePort: 0, protocol: 'tcp', labels: {} },
      { containerPort: 53, hostPort: 31053, servicePort: 0, protocol: 'udp', labels: {} },
    ]);
    expect(hostPortSlots(a)).toEqual([0, 31053]);
  });

  it('gives container networks host ports only for mappings that ask', () => {
    const a = app({ container: { ...image, portMappings: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }] }, networks: [{ mode: 'container', name: 'dcos' }] });
    expect(hostPortSlots(a)).toEqual([0]);
  });

  it('refuses contradictions with the field that is wrong', () => {
    const paths = (body: Record<string, unknown>) => {
      const r = validateApp({ id: '/n', ...body }, { version: V });
      return r.ok ? [] : r.details.map((d) => d.path);
    };
    expect(paths({ container: { type: 'DOCKER', docker: { image: 'b', network: 'BRIDGE' } }, networks: [{ mode: 'host' }] })).toContain('/container/docker/network');
    expect(paths({ container: { type: 'DOCKER', docker: { image: 'b', network: 'WIFI' } } })).toContain('/container/docker/network');
    expect(paths({ container: { ...image, portMappings: [{ containerPort: 80 }] }, networks: [{ mode: 'host' }] })).toContain('/container/portMappings');
    expect(paths({ container: { ...image, portMappings: [{ containerPort: 70000 }] }, networks: [{ mode: 'container/bridge' }] })).toContain('/container/portMappings/0/containerPort');
    expect(paths({ container: image, networks: [{ mode: 'container/bridge' }], portDefinitions: [{ port: 0 }] })).toContain('/portDefinitions');
    expect(paths({ cmd: 'x', networks: [{ mode: 'host' }, { mode: 'container' }] })).toContain('/networks');
    expect(paths({ cmd: 'x', networks: [{ mode: 'mesh' }] })).toContain('/networks/0/mode');
  });

  it('keeps a base app networking when an update says nothing of it', () => {
    const n = normalizeNetworking({}, { networks: [{ mode: 'container/bridge' }] });
    expect(n.networks).toEqual([{ mode: 'container/bridge' }]);
  });
});
