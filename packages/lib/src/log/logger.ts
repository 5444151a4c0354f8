import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Root logger of one service. Ids travel as fields (`log.child({ agentId, taskId })`), never inside
 * the message text. STRATA_LOG_LEVEL overrides the level (e.g. `debug`, or `silent` in benchmarks).
 */
export function createLogger(component: string, opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.STRATA_LOG_LEVEL ?? 'info';
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime }, opts.destination as never);
}

/** A logger that drops everything: for unit tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
