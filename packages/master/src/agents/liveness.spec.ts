import type { AgentEntry } from '../registry';
import { PingWheel, pingTickMs } from './liveness';

const config = { agentPingIntervalMs: 1000, maxMissedPings: 3, agentReregisterTimeoutMs: 10_000 };
const agent = (id: string, lastSeen: number, extra: Partial<AgentEntry> = {}) => ({ id, lastSeen, recovered: false, ...extra }) as AgentEntry;
const pool = (...agents: AgentEntry[]) => new Map(agents.map((a) => [a.id, a]));

describe('PingWheel', () => {
  it('turns at most every 100 ms and at least five times per interval', () => {
    expect(pingTickMs(5000)).toBe(100);
    expect(pingTickMs(100)).toBe(20);
    expect(pingTickMs(2)).toBe(1);
  });

  it('looks at every agent once per interval, a slice per turn', () => {
    const agents = pool(...Array.from({ length: 50 }, (_, i) => agent(`a${i}`, 0)));
    const wheel = new PingWheel(config, 0);
    const seen: string[] = [];
    for (let turn = 0; turn < 10; turn++) seen.push(...wheel.turn(600, agents).ping.map((a) => a.id));
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
  });

  it('does not ping an agent heard from within half an interval', () => {
    const wheel = new PingWheel(config, 0);
    expect(wheel.turn(1000, pool(agent('fresh', 600))).ping).toEqual([]);
    expect(wheel.turn(1000, pool(agent('quiet', 500))).ping.map((a) => a.id)).toEqual(['quiet']);
  });

  it('gives up on an agent silent for more than maxMissedPings intervals, and not at exactly that', () => {
    const wheel = new PingWheel(config, 0);
    expect(wheel.turn(3000, pool(agent('a', 0))).unreachable).toEqual([]);
    const v = wheel.turn(3001, pool(agent('a', 0)));
    expect(v.unreachable.map((u) => [u.agent.id, u.why])).toEqual([['a', 'no answer for 3001 ms']]);
  });

  it('gives a recovered agent until the reregister timeout after the master started', () => {
    const wheel = new PingWheel(config, 5000);
    const a = agent('old', 0, { recovered: true });
    expect(wheel.turn(15_000, pool(a))).toEqual({ ping: [], unreachable: [] });
    expect(wheel.turn(15_001, pool(a)).unreachable.map((u) => u.why)).toEqual(['did not reregister after the master restarted']);
  });

  it('skips agents already unreachable', () => {
    const wheel = new PingWheel(config, 0);
    expect(wheel.turn(100_000, pool(agent('u', 0, { unreachableAt: 5 })))).toEqual({ ping: [], unreachable: [] });
  });

  it('sees agents added after a turn began in the next round', () => {
    const agents = pool(agent('a', 0));
    const wheel = new PingWheel(config, 0);
    expect(wheel.turn(600, agents).ping.map((a) => a.id)).toEqual(['a']);
    agents.set('b', agent('b', 0));
    const ids = [wheel.turn(600, agents), wheel.turn(600, agents)].flatMap((v) => v.ping.map((a) => a.id));
    expect(ids).toContain('b');
  });
});
