import { authLogin, authLogout } from './commands/auth';
import type { Command } from 'commander';
import { appAdd, appKillTasks, appList, appRemove, appRestart, appRollback, appScale, appShow, appUpdate, appVersions } from './commands/app';
import { clusterList, clusterSetup } from './commands/cluster';
import { deploymentCancel, deploymentList, watchDeployment, type WriteOptions } from './commands/deployment';
import { groupAdd, groupList, groupRemove, groupScale, groupShow, groupUpdate } from './commands/group';
import { jobAdd, jobGraph, jobHistory, jobKill, jobList, jobRemove, jobRun, jobShow, jobSuccess, jobUpdate } from './commands/job';
import { nodeList, nodeShow } from './commands/node';
import { serviceList } from './commands/service';
import { taskCat, taskList, taskLogs, taskLs } from './commands/task';
import { why } from './commands/why';

/** Sets the exit code a command returns (0 success, 1 a failed deployment). API errors throw, and exit 1 with their line. */
const exits =
  <A extends unknown[]>(fn: (...a: A) => Promise<number>) =>
  async (...a: A) => {
    process.exitCode = await fn(...a);
  };
const json = (c: Command) => c.option('--json', 'JSON output');
/** A Marathon write: it starts a deployment, which `--wait` follows to its end. */
const writes = (c: Command) => json(c.option('--wait', 'wait for the deployment to finish, and exit non-zero if it fails').option('--force', 'override a deployment in progress'));

/**
 * The dcos-shaped commands: they talk only to a cluster's gateway (`strata cluster setup`, or
 * STRATA_URL), so they work the same from a laptop against a remote cluster.
 */
export function addGatewayCommands(program: Command, num: (what: string) => (v: string) => number): void {
  const cluster = program.command('cluster').description('attach the CLI to clusters (their gateway URL), as `dcos cluster`');
  cluster.command('setup').argument('<url>', "the cluster's gateway, http://HOST:8000").option('--name <name>', 'what to call it (default: host:port)').description('attach a cluster and make it current').action(clusterSetup);
  json(cluster.command('list')).description('the attached clusters').action(clusterList);

  const auth = program.command('auth').description('log in to the current cluster, as `dcos auth`');
  auth
    .command('login')
    .requiredOption('--username <principal>', 'who you are')
    .option('--password <password>', 'the password (else --password-env, or stdin)')
    .option('--password-env <var>', 'read the password from this environment variable')
    .option('--private-key <file>', "a service account's private key (PEM), instead of a password")
    .description('exchange credentials for a token the CLI sends from now on')
    .action(authLogin);
  auth.command('logout').description("forget the current cluster's token").action(authLogout);

  const app = program.command('app').description('Marathon apps, as `dcos marathon app`');
  json(app.command('list')).description('every app with its tasks, health and deployment').action(appList);
  app.command('show').argument('<id>').option('--json', 'JSON output (the default: an app is a document)').description("an app's definition and counts").action(appShow);
  writes(app.command('add').argument('[file]', "a JSON definition; '-' or nothing for stdin").description('create an app')).action(exits(appAdd));
  writes(app.command('update').argument('<id>').argument('[args...]', "a definition file, '-', or key=value pairs (values as JSON)").description('change an app')).action(exits(appUpdate));
  writes(app.command('scale').argument('<id>').argument('<instances>', 'how many', num('count')).description('set the number of instances')).action(exits(appScale));
  writes(app.command('restart').argument('<id>').description('replace every task (a rolling restart)')).action(exits(appRestart));
  writes(app.command('remove').argument('<id>').description('destroy an app and its tasks')).action(exits(appRemove));
  writes(app.command('rollback').argument('<id>').argument('[version]', 'the version to go back to (default: the previous one)').description('go back to an earlier version')).action(exits((id: string, version: string | undefined, o: WriteOptions) => appRollback(id, version, o)));
  json(app.command('kill-tasks').argument('<id>').option('--scale', 'and scale down by as many')).description("kill an app's tasks (Marathon replaces them unless --scale)").action(appKillTasks);
  json(app.command('versions').argument('<id>')).description("an app's versions, newest first").action(appVersions);

  const group = program.command('group').description('Marathon groups, as `dcos marathon group`');
  json(group.command('list')).description('the group tree with its apps and tasks').action(groupList);
  group.command('show').argument('<id>').description('a group with its apps and subgroups (JSON)').action(groupShow);
  writes(group.command('add').argument('[file]', "a JSON group; '-' or nothing for stdin").description('create a group and its apps')).action(exits(groupAdd));
  writes(group.command('update').argument('<id>').argument('[args...]', "a group file, '-', or key=value pairs").description('change a group')).action(exits(groupUpdate));
  writes(group.command('scale').argument('<id>').argument('<factor>', 'multiply every instance count by this', num('factor')).description("scale every app of a group by a factor (Marathon's scaleBy)")).action(exits(groupScale));
  writes(group.command('remove').argument('<id>').description('destroy a group and all its apps')).action(exits(groupRemove));

  const deployment = program.command('deployment').description('Marathon deployments, as `dcos marathon deployment`');
  json(deployment.command('list')).description('deployments in progress').action(deploymentList);
  deployment.command('watch').argument('<id>').option('--timeout <seconds>', 'give up (exit 1) after this long', num('seconds')).description('follow a deployment with a progress bar; exit 0 when it succeeds, 1 when it fails or is rolled back').action(exits((id: string, o: { timeout?: number }) => watchDeployment(id, { ...(o.timeout ? { timeoutSeconds: o.timeout } : {}) })));
  json(deployment.command('rollback').argument('<id>')).description('revert a deployment in progress (a new deployment undoes it)').action((id: string, o: { json?: boolean }) => deploymentCancel(id, o));
  json(deployment.command('stop').argument('<id>')).description('cancel a deployment where it stands').action((id: string, o: { json?: boolean }) => deploymentCancel(id, { ...o, force: true }));

  const job = program.command('job').description('Chronos jobs, as `dcos job`');
  json(job.command('list')).description('every job with its schedule, last and next run').action(jobList);
  job.command('show').argument('<name>').description("a job's definition (JSON)").action(jobShow);
  job.command('add').argument('[file]', "a JSON job (with 'schedule', or 'parents' for a dependent job); '-' or nothing for stdin").description('add or replace a job').action(jobAdd);
  job.command('update').argument('<name>').argument('[args...]', "a job file, '-', or key=value pairs").description('change fields of a job').action(jobUpdate);
  job.command('run').argument('<name>').option('--arguments <args>', 'extra arguments for this run').description('start a run now').action(jobRun);
  job.command('kill').argument('<name>').description("kill a job's running tasks").action(jobKill);
  job.command('success').argument('<name>').description('mark the last run successful (its dependents start)').action(jobSuccess);
  json(job.command('history').argument('<name>')).description("a job's finished runs, newest first").action(jobHistory);
  job.command('remove').argument('<name>').description('remove a job').action(jobRemove);
  json(job.command('graph').option('--dot', "Chronos's Graphviz dot")).description('the dependency graph as a tree').action(jobGraph);

  const node = program.command('node').description('agents, as `dcos node`');
  json(node.command('list')).description('agents with used/total resources and attributes').action(nodeList);
  json(node.command('show').argument('<id>', 'agent id or hostname')).description('an agent with its reservations and tasks').action(nodeShow);

  const task = program.command('task').description('tasks, as `dcos task`');
  json(task.command('list').argument('[filter]', 'text in the id, name, state, framework or host').option('--completed', 'include finished tasks')).description('tasks').action(taskList);
  task.command('logs').argument('<id>', 'task id or an unambiguous prefix').option('-f, --follow', 'keep printing until the task ends').option('--stderr', 'stderr instead of stdout').description("a task's stdout (or stderr) from its sandbox").action(taskLogs);
  json(task.command('ls').argument('<id>').argument('[path]', 'a directory in the sandbox')).description("the files in a task's sandbox").action(taskLs);
  task.command('cat').argument('<id>').argument('<path>', 'a file in the sandbox').description('print a file from the sandbox').action(taskCat);

  const service = program.command('service').description('frameworks, as `dcos service`');
  json(service.command('list').option('--inactive', 'include frameworks that are gone')).description('frameworks with their tasks and resources').action(serviceList);

  json(program.command('why').argument('<app-id>')).description('why an app is not launching: declined offers by reason, backoff, last failure').action(why);
}
