import type { Logger } from 'pino';

/**
 * Stops a service cleanly on SIGINT/SIGTERM: runs `stop`, exits 0 (1 if stopping failed), and
 * exits 1 anyway after `hardExitMs` so a stuck shutdown never leaves a half-dead process.
 * Returns the shutdown function for other triggers (the agent's SIGUSR1).
 */
export function stopOnSignals(log: Logger, stop: () => Promise<void>, hardExitMs = 5_000): (signal: string) => void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    stop().then(() => process.exit(0), () => process.exit(1));
    setTimeout(() => process.exit(1), hardExitMs).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return shutdown;
}
