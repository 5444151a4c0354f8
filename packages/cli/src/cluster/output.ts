import { readFileSync } from 'node:fs';
import { clusterAuthorization, clusterUrl } from './config';
import { GatewayClient } from './gateway-client';

/** The current cluster's gateway (STRATA_URL, else `strata cluster setup`'s), with the login's token. */
export const gateway = () => new GatewayClient(clusterUrl(), clusterAuthorization());

/** `--json`: the API's document, indented, on stdout. */
export const printJson = (v: unknown) => void process.stdout.write(JSON.stringify(v, null, 2) + '\n');

/** A JSON definition from a file, or `-` (or nothing) for stdin; bad JSON is one clear line. */
export function readDefinition(file?: string): unknown {
  const text = !file || file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file && file !== '-' ? file : 'stdin'} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * `key=value...` as a patch (values parsed as JSON when they parse: `instances=3`,
 * `labels={"a":"b"}`, `cmd=sleep 10`), or else a definition from a file or stdin.
 */
export function patchOf(args: string[]): Record<string, unknown> {
  if (!args.length || !args.every((a) => a.includes('='))) return readDefinition(args[0]) as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const a of args) {
    const at = a.indexOf('=');
    const raw = a.slice(at + 1);
    try {
      patch[a.slice(0, at)] = JSON.parse(raw);
    } catch {
      patch[a.slice(0, at)] = raw;
    }
  }
  return patch;
}
