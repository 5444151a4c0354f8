import { chmodSync, chownSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { StrataError } from '@strata/lib';
import { blockedAncestor, parsePasswd, type SystemUser } from './passwd';

/**
 * Mesos's --switch_user: a task runs as its user (the command's, else the framework's), not as
 * the agent. Only an agent running as root can switch; one that is not runs every task as
 * itself (it could not do otherwise), and so does an agent started with --no-switch-user.
 */
export class UserSwitch {
  private readonly active: boolean;

  constructor(
    enabled: boolean,
    private readonly readPasswd: () => string = () => readFileSync('/etc/passwd', 'utf8'),
    runningAsRoot = process.getuid?.() === 0,
  ) {
    this.active = enabled && runningAsRoot;
  }

  get switching(): boolean {
    return this.active;
  }

  /**
   * The user to drop to, or undefined to run as the agent (not switching, no user named, or
   * root). An unknown user is an error the task fails with.
   */
  userFor(name: string | undefined): SystemUser | undefined {
    if (!this.active || !name) return undefined;
    const user = parsePasswd(this.readPasswd()).get(name);
    if (!user) throw new StrataError('INVALID_REQUEST', `Failed to switch to user '${name}': no such user on this agent`, { context: { user: name } });
    return user.uid === 0 ? undefined : user;
  }

  /**
   * Gives the sandbox to the task's user (everything in it: fetched files, stdout, stderr) and
   * closes it to other users (0750), after checking that user can reach it at all.
   */
  prepareSandbox(sandbox: string, user: SystemUser, alsoOwned: string[] = []): void {
    const blocked = blockedAncestor(path.join(sandbox, 'x'), user, (d) => {
      try {
        return statSync(d);
      } catch {
        return undefined;
      }
    });
    if (blocked) throw new StrataError('INVALID_REQUEST', `Failed to switch to user '${user.name}': it cannot reach its sandbox, ${blocked} does not let uid ${user.uid} through (make the agent's work dir and its parents traversable, e.g. chmod o+x)`, { context: { user: user.name, blocked } });
    chownTree(sandbox, user);
    chmodSync(sandbox, 0o750);
    for (const f of alsoOwned) chownSync(f, user.uid, user.gid);
  }
}

/** chown -R without following symlinks (a link in a sandbox must not hand its target to the task). */
function chownTree(p: string, user: SystemUser): void {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return;
  chownSync(p, user.uid, user.gid);
  if (st.isDirectory()) for (const name of readdirSync(p)) chownTree(path.join(p, name), user);
}
