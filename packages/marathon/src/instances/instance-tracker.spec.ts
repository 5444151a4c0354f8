import { newInstance, taskIdFor } from './instance';
import { InstanceTracker } from './instance-tracker';

describe('InstanceTracker', () => {
  it('finds instances by id, by app and by their current task, and forgets them everywhere', () => {
    const t = new InstanceTracker();
    const a1 = newInstance('/web', 'v1', '00000000-0000-4000-8000-000000000001');
    const a2 = newInstance('/web', 'v1', '00000000-0000-4000-8000-000000000002');
    const b1 = newInstance('/db', 'v1', '00000000-0000-4000-8000-000000000003');
    [a1, a2, b1].forEach((i) => t.track(i));
    a1.taskId = taskIdFor(a1, 1);
    expect(t.size).toBe(3);
    expect(t.ofApp('/web').map((i) => i.instanceId).sort()).toEqual([a1.instanceId, a2.instanceId].sort());
    expect(t.byTask(a1.taskId)).toBe(a1);
    expect(t.byTask(taskIdFor(a1, 2))).toBeUndefined(); // an older or newer incarnation is not the current task
    t.untrack(a1);
    expect([t.get(a1.instanceId), t.byTask(a1.taskId)]).toEqual([undefined, undefined]);
    expect(t.ofApp('/web').map((i) => i.instanceId)).toEqual([a2.instanceId]);
    t.untrack(a2);
    expect(t.ofApp('/web')).toEqual([]);
  });
});
