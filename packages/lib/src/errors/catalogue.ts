/**
 * Every error code Strata throws on purpose, with the status it usually carries and what it
 * means. StrataError takes only these codes (a new one is added here, and to docs/errors.md,
 * which a test holds to this list). Each API maps a StrataError to its upstream shape once:
 * Marathon's `{message, details}`, Chronos's `{message, status}`, Mesos's plain messages.
 */
export const ERROR_CATALOGUE = {
  ALREADY_EXISTS: { status: 409, meaning: 'What a request would create exists already (a secret at that path: PATCH changes it).' },
  APP_LOCKED: { status: 409, meaning: 'A Marathon app is changed by a running deployment; retry with ?force=true.' },
  BAD_REQUEST: { status: 400, meaning: 'A request the API cannot act on (Chronos: an unknown job, a bad parameter).' },
  CONFLICT: { status: 409, meaning: 'A write lost a race with another (a compare-and-set on a stale version).' },
  FORBIDDEN: { status: 403, meaning: 'The principal is known and lacks the permission (an ACL, a path permission).' },
  FORBIDDEN_PATH: { status: 403, meaning: 'A sandbox path leaves the sandbox (.., an absolute path, a symlink out).' },
  INTERNAL: { status: 500, meaning: 'A bug: logged with its stack; the body says nothing more.' },
  INVALID: { status: 422, meaning: 'A definition is not valid (Marathon: with per-field details).' },
  INVALID_AGENT: { status: 400, meaning: 'An agent registered with missing or malformed info or resources.' },
  INVALID_FRAMEWORK: { status: 400, meaning: 'A FrameworkInfo is not valid (name, failover timeout, roles, an immutable field changed).' },
  INVALID_JOB: { status: 400, meaning: 'A Chronos job definition is not valid.' },
  INVALID_JSON: { status: 400, meaning: 'The body is not JSON.' },
  INVALID_KEY: { status: 400, meaning: 'A state-store key is empty, too long, or has a forbidden character.' },
  INVALID_PARAM: { status: 400, meaning: 'A query or path parameter is malformed.' },
  INVALID_PATH: { status: 400, meaning: 'A path parameter is malformed (empty, too long, a NUL byte).' },
  INVALID_REQUEST: { status: 400, meaning: 'An operator request (/weights, /quota, /reserve) is malformed.' },
  INVALID_RESERVATION: { status: 400, meaning: 'A reservation names a bad role or resources.' },
  INVALID_RESOURCES: { status: 400, meaning: 'A resources string or message does not parse.' },
  INVALID_SCHEDULE: { status: 400, meaning: 'An ISO 8601 or cron schedule does not parse or is out of range.' },
  IS_A_DIRECTORY: { status: 400, meaning: 'A file was asked for and the path is a directory.' },
  JSON_TOO_DEEP: { status: 400, meaning: 'The body nests deeper than 64 levels.' },
  NOT_A_DIRECTORY: { status: 400, meaning: 'A directory was asked for and the path is not one.' },
  NOT_A_FILE: { status: 400, meaning: 'The path is not a regular file (a FIFO, a device, a file with several links).' },
  NOT_FOUND: { status: 404, meaning: 'The app, task, deployment, job or file does not exist.' },
  NOT_LEADER: { status: 503, meaning: 'This instance is not (or no longer) the leader: it acts on nothing and writes nothing; ask the leader.' },
  NOT_SUBSCRIBED: { status: 400, meaning: 'A scheduler stream began with a call other than SUBSCRIBE.' },
  NO_UPSTREAM: { status: 503, meaning: 'The gateway knows no address for what was asked (no leading master, no reachable Marathon or Chronos, a service with no running task).' },
  NO_SERVICE_PORTS: { status: 422, meaning: 'Marathon has no free service port left in its range.' },
  RATE_LIMITED: { status: 429, meaning: 'A caller made more writes than --rate-limit allows; Retry-After says when to try again.' },
  STATE_READ_FAILED: { status: 503, meaning: 'The state store could not be read.' },
  STATE_WRITE_FAILED: { status: 503, meaning: 'The state store could not be written; the change was not made.' },
  TOO_LARGE: { status: 413, meaning: 'The body is larger than 1 MB.' },
  UNAUTHENTICATED: { status: 401, meaning: 'No credentials, or wrong ones (a bad secret, an expired or foreign token), where authentication is on.' },
  UNAVAILABLE: { status: 503, meaning: 'The service is starting (its state is not loaded yet) or at a limit (event streams).' },
  UNKNOWN_AGENT: { status: 404, meaning: 'The master does not know the agent (it must register anew), or it is not connected.' },
  UNKNOWN_FRAMEWORK: { status: 404, meaning: 'The framework id was never registered, or has been removed.' },
  UPSTREAM_FAILED: { status: 502, meaning: 'The gateway could not reach the service it forwarded to, or lost it mid-answer.' },
  VALUE_TOO_LARGE: { status: 413, meaning: 'A state record is larger than the etcd store takes (1 MiB by default); nothing was written.' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
