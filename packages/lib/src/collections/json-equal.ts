/**
 * Whether two plain values would serialize to the same JSON, key order aside, without building
 * either string: a reregistering agent's info is compared with the stored one on every
 * reregistration (40,000 at once after a failover), and two JSON.stringify calls per agent were
 * a tenth of the new leader's reregistration work. Values with a toJSON (Dates, Buffers) are
 * compared as what it returns, as JSON.stringify serializes them.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (hasToJSON(a)) return jsonEqual(a.toJSON(), hasToJSON(b) ? b.toJSON() : b);
  if (hasToJSON(b)) return jsonEqual(a, b.toJSON());
  const ta = jsonKind(a);
  const tb = jsonKind(b);
  if (ta !== tb) return false;
  switch (ta) {
    case 'null':
      return true; // null, NaN, ±Infinity: all "null"
    case 'number':
    case 'string':
    case 'boolean':
      return a === b;
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!jsonEqual(inArray(x[i]), inArray(y[i]))) return false;
      return true;
    }
    case 'object': {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      let n = 0;
      for (const k in x) {
        if (!Object.prototype.hasOwnProperty.call(x, k) || omitted(x[k])) continue;
        n++;
        if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(x[k], y[k])) return false;
      }
      for (const k in y) if (Object.prototype.hasOwnProperty.call(y, k) && !omitted(y[k])) n--;
      return n === 0;
    }
    default:
      return true; // both omitted (undefined, functions, symbols)
  }
}

type JsonKind = 'null' | 'number' | 'string' | 'boolean' | 'array' | 'object' | 'omitted';

function jsonKind(v: unknown): JsonKind {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? 'number' : 'null';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt'); // as JSON.stringify
    case 'object':
      return Array.isArray(v) ? 'array' : 'object';
    default:
      return 'omitted';
  }
}

/** A property JSON leaves out. */
const omitted = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
/** In an array, what JSON leaves out of an object becomes null. */
const inArray = (v: unknown) => (omitted(v) ? null : v);

const hasToJSON = (v: unknown): v is { toJSON(): unknown } => typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function';
