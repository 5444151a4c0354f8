import { ServiceProcess, BINS } from '../src';
import { CHRONOS_BIN } from '../src/chronos-process';

jest.setTimeout(20_000);

describe('agent, master and chronos flags', () => {
  it('an agent with a malformed --resources exits 2 with a message naming the problem', async () => {
    const p = ServiceProcess.start('agent', BINS.agent, ['--master', '127.0.0.1:1', '--port', '0', '--resources', 'cpus:4;mem:lots']);
    await p.exited;
    expect(p.exit?.code).toBe(2);
    expect(p.stderr).toContain("malformed resources 'cpus:4;mem:lots': 'lots' for 'mem' is not a non-negative number");
  });

  it('a master given a bad port exits with a clear error', async () => {
    const p = ServiceProcess.start('master', BINS.master, ['--port', 'http']);
    await p.exited;
    expect(p.exit?.code).not.toBe(0);
    expect(p.stderr).toContain("'http' is not a port number");
  });

  it('chronos given a reconciliation interval that is not a positive number of seconds exits with a clear error', async () => {
    for (const bad of ['soon', '0', '-5']) {
      const p = ServiceProcess.start('chronos', CHRONOS_BIN, ['--master', '127.0.0.1:1', '--http-port', '0', '--reconciliation-interval', bad]);
      await p.exited;
      expect(p.exit?.code).toBe(1);
      expect(p.stderr).toContain(`--reconciliation-interval: '${bad}' is not a number of seconds above 0`);
    }
  });
});
