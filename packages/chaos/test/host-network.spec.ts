import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { HostNetwork } from '../src';

jest.setTimeout(60_000);

/** Can `from` open a TCP connection to `to`'s echo server (exit 0), or is it dropped (2) or refused (1)? */
function reach(net: HostNetwork, from: string, to: string): number {
  const addr = net.host(to).address;
  const script = `const s=require('net').connect(7000,'${addr}');s.setTimeout(700,()=>process.exit(2));s.on('data',()=>process.exit(0));s.on('error',()=>process.exit(1))`;
  return spawnSync('ip', ['netns', 'exec', net.host(from).netns, process.execPath, '-e', script]).status ?? -1;
}

describe('hosts in network namespaces', () => {
  let net: HostNetwork | undefined;
  const servers: ChildProcess[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) s.kill('SIGKILL');
    await net?.destroy();
    net = undefined;
  });

  it('joins hosts on a bridge, partitions them with iptables (the harness still reaches all), heals, and removes everything it made', async () => {
    net = await HostNetwork.create({ hosts: 3 });
    const n = net;
    for (const h of n.hosts) {
      servers.push(spawn('ip', ['netns', 'exec', h.netns, process.execPath, '-e', `require('net').createServer((s)=>s.end('hi')).listen(7000,'${h.address}')`], { stdio: 'ignore' }));
    }
    const probe = () => ({ h1h2: reach(n, 'h1', 'h2'), h2h1: reach(n, 'h2', 'h1'), h2h3: reach(n, 'h2', 'h3'), h1h3: reach(n, 'h1', 'h3') });
    const deadline = Date.now() + 10_000;
    while (probe().h1h2 !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(probe()).toEqual({ h1h2: 0, h2h1: 0, h2h3: 0, h1h3: 0 });

    await n.partition([['h1', 'h3']]); // h2 isolated
    expect(probe()).toEqual({ h1h2: 2, h2h1: 2, h2h3: 2, h1h3: 0 });
    expect(await n.rules()).toEqual({ h1: [n.host('h2').address], h2: [n.host('h1').address, n.host('h3').address], h3: [n.host('h2').address] });
    // The harness, in the root namespace, is never cut off.
    const fromHarness = spawnSync(process.execPath, ['-e', `const s=require('net').connect(7000,'${n.host('h2').address}');s.setTimeout(700,()=>process.exit(2));s.on('data',()=>process.exit(0));s.on('error',()=>process.exit(1))`]).status;
    expect(fromHarness).toBe(0);

    await n.partition([['h1', 'h2'], ['h2', 'h3']]); // a bridge: h2 sees both sides
    expect(probe()).toEqual({ h1h2: 0, h2h1: 0, h2h3: 0, h1h3: 2 });

    await n.heal();
    expect(probe()).toEqual({ h1h2: 0, h2h1: 0, h2h3: 0, h1h3: 0 });

    const id = n.bridge.replace(/br$/, '');
    await n.destroy();
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(id);
    expect(spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout).not.toContain(id);
    expect(spawnSync('iptables', ['-S', 'FORWARD'], { encoding: 'utf8' }).stdout).not.toContain(id);
    // The processes in the namespaces were killed with them (their exit is reported a moment later).
    const gone = () => servers.every((s) => s.exitCode !== null || s.signalCode !== null);
    const until = Date.now() + 5_000;
    while (!gone() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(servers.map((s) => s.signalCode)).toEqual(['SIGKILL', 'SIGKILL', 'SIGKILL']);
  });

  it('a run without namespace support fails at once with a message that says what is missing, never skips', () => {
    const bin = require.resolve('../bin/strata-chaos.js');
    const r = spawnSync(process.execPath, [bin, '--short'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('a chaos run needs network namespaces (root, iproute2 and iptables');
  });

  it('sweeps what a run that died left behind, and nothing of a live run', async () => {
    // A dead run: a pid that is not running (beyond pid_max), with a namespace and a link of its own.
    const dead = `stc${4_194_304 + 7}`;
    spawnSync('ip', ['netns', 'add', `${dead}-h1`]);
    spawnSync('ip', ['link', 'add', `${dead}br`, 'type', 'bridge']);
    net = await HostNetwork.create({ hosts: 1 }); // create sweeps first
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(left).not.toContain(dead);
    expect(spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout).not.toContain(`${dead}br`);
    expect(left).toContain(net.host('h1').netns);
    expect(await HostNetwork.sweep()).toEqual([]);
  });
});
