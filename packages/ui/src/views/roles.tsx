import { useLive } from '../api/live';
import { roleRows, type MasterRole } from '@strata/operator-model';
import { ErrorLine } from '../components/bits';

/** Roles with their weights, quota and DRF shares; the bars are the dominant shares. */
export function Roles() {
  const roles = useLive<{ roles: MasterRole[] }>('/mesos/roles', { pollMs: 2_000 });
  const rows = roleRows(roles.data?.roles ?? []);
  return (
    <div>
      <ErrorLine text={roles.error} />
      <table class="list" data-testid="roles">
        <thead>
          <tr>
            <th>Role</th>
            <th>Weight</th>
            <th>Dominant share</th>
            <th>Weighted</th>
            <th>Frameworks</th>
            <th>Allocated</th>
            <th>Quota (guarantee)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-testid={`role-${r.name}`}>
              <td>{r.name}</td>
              <td>{r.weight}</td>
              <td style={{ minWidth: '180px' }}>
                <div class="bar" role="meter" aria-label={`${r.name} share`} aria-valuenow={Math.round(r.share * 100)} aria-valuemin={0} aria-valuemax={100}>
                  <div class="fill" style={{ width: `${Math.round(Math.min(1, r.share) * 100)}%` }} />
                  <span>{(r.share * 100).toFixed(1)}%</span>
                </div>
              </td>
              <td>{(r.weightedShare * 100).toFixed(1)}%</td>
              <td>{r.frameworks}</td>
              <td>{r.allocated}</td>
              <td>{r.quota}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
