/** What the gateway reads of a Marathon app (GET /v2/apps?embed=apps.tasks). */
export interface AppWithTasks {
  id: string;
  labels?: Record<string, string>;
  tasks?: { host?: string; ports?: number[]; state?: string; healthCheckResults?: { alive?: boolean }[] }[];
}

export interface ServiceEndpoint {
  app: string;
  /** Base URLs of the service's running tasks, healthy ones only when it has health checks. */
  urls: string[];
}

/**
 * DC/OS's service discovery for /service/NAME: an app labelled DCOS_SERVICE_NAME is reached on
 * the port at DCOS_SERVICE_PORT_INDEX (default 0) of its running tasks, over DCOS_SERVICE_SCHEME
 * (http by default). A task whose health checks say it is not alive is left out. Two apps
 * claiming one name: the first by app id wins, so the answer does not flap between them.
 */
export function servicesFromApps(apps: readonly AppWithTasks[]): Map<string, ServiceEndpoint> {
  const out = new Map<string, ServiceEndpoint>();
  for (const app of [...apps].sort((a, b) => a.id.localeCompare(b.id))) {
    const name = app.labels?.DCOS_SERVICE_NAME?.trim();
    if (!name || out.has(name)) continue;
    const index = Number(app.labels?.DCOS_SERVICE_PORT_INDEX ?? 0);
    const scheme = app.labels?.DCOS_SERVICE_SCHEME === 'https' ? 'https' : 'http';
    const urls: string[] = [];
    for (const t of app.tasks ?? []) {
      if (t.state !== undefined && t.state !== 'TASK_RUNNING') continue;
      if (t.healthCheckResults?.some((h) => h.alive === false)) continue;
      const port = Number.isInteger(index) && index >= 0 ? t.ports?.[index] : undefined;
      if (t.host && port) urls.push(`${scheme}://${t.host}:${port}`);
    }
    out.set(name, { app: app.id, urls });
  }
  return out;
}
