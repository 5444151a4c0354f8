import { fetchState } from '../master-api';
import { table } from '../table';

export async function agentsCommand(opts: { master: string; json?: boolean }): Promise<void> {
  const state = await fetchState(opts.master);
  if (opts.json) return void console.log(JSON.stringify(state.slaves, null, 2));
  const rows = state.slaves.map((a) => [
    a.id,
    `${a.hostname}:${a.port}`,
    a.active ? 'active' : 'inactive',
    `${a.used_resources.cpus}/${a.resources.cpus}`,
    `${a.used_resources.mem}/${a.resources.mem}`,
    `${a.used_resources.disk}/${a.resources.disk}`,
    String(a.resources.ports ?? ''),
  ]);
  console.log(table(['ID', 'ADDRESS', 'STATE', 'CPUS', 'MEM', 'DISK', 'PORTS'], rows));
  // With several masters: which one leads, and the standbys.
  const masters = state.masters ?? [];
  if (masters.length > 1) console.log(`\nmasters: ${masters.map((m) => `${m.address}${m.leading ? ' (leader)' : ''}`).join(', ')}`);
}
