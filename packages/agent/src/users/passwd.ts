import * as path from 'node:path';
import type { FrameworkInfo__Output, TaskInfo__Output } from '@strata/proto';

/** A user of the agent's machine, as /etc/passwd has it. */
export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

/** /etc/passwd's `name:x:uid:gid:gecos:home:shell` lines, by name. Malformed lines are skipped. Pure. */
export function parsePasswd(text: string): Map<string, SystemUser> {
  const users = new Map<string, SystemUser>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [name, , uid, gid] = line.split(':');
    const u = Number(uid);
    const g = Number(gid);
    if (!name || !Number.isInteger(u) || !Number.isInteger(g) || u < 0 || g < 0 || uid === '' || gid === '') continue;
    if (!users.has(name)) users.set(name, { name, uid: u, gid: g });
  }
  return users;
}

/** Who a task runs as (Mesos): its command's user, else its framework's; undefined when neither says. */
export function taskUserName(task: TaskInfo__Output, framework: FrameworkInfo__Output): string | undefined {
  return task.command?.user || framework.user || undefined;
}

/** A directory's owner and mode, as stat gives them. */
export interface DirStat {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * The first directory on the way to `target` (its ancestors, from the root) that `user` cannot
 * pass through (no search permission for it), or undefined when every one lets it. A task that
 * runs as another user must reach its sandbox; saying which directory blocks it beats a bare
 * EACCES from the task's shell. Pure: `stat` is handed in.
 */
export function blockedAncestor(target: string, user: SystemUser, stat: (dir: string) => DirStat | undefined): string | undefined {
  const dirs: string[] = [];
  for (let d = path.dirname(path.resolve(target)); ; d = path.dirname(d)) {
    dirs.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of dirs) {
    const s = stat(d);
    if (!s) return d;
    const bit = s.uid === user.uid ? 0o100 : s.gid === user.gid ? 0o010 : 0o001;
    if (user.uid !== 0 && !(s.mode & bit)) return d;
  }
  return undefined;
}
