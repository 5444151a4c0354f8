/** A TCP port from a command-line value (0 means "any free port"); throws a message that names the value. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`'${value}' is not a port number`);
  return n;
}

/** A duration in seconds from a command-line value, more than 0; throws a message that names the flag and value. */
export function parseSeconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: '${value}' is not a number of seconds above 0`);
  return n;
}

/** Runs a service's main: any failure (a bad flag included) is one line on stderr and exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
