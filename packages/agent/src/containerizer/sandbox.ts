import * as path from 'node:path';

/** On-disk layout under the agent's work dir (after Mesos's slave/paths.cpp, shortened). */
export const sandboxPath = (workDir: string, frameworkId: string, taskId: string) =>
  path.join(workDir, 'sandboxes', safe(frameworkId), safe(taskId));

/** Task and framework ids are user-chosen: keep them from naming other directories. */
function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
}
