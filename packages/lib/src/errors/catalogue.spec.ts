import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ERROR_CATALOGUE } from './catalogue';

// docs/errors.md is for people; the catalogue is for the compiler. This holds them together.
const doc = readFileSync(path.resolve(__dirname, '../../../../docs/errors.md'), 'utf8');
const rows = new Map([...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1]!, { status: Number(m[2]), meaning: m[3]! }]));

describe('docs/errors.md and the error catalogue', () => {
  it('lists every code of the catalogue, with its status and meaning', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) expect([code, rows.get(code)]).toEqual([code, { status: entry.status, meaning: entry.meaning }]);
  });

  it('lists no code the catalogue does not have', () => {
    expect([...rows.keys()].filter((c) => !(c in ERROR_CATALOGUE))).toEqual([]);
  });
});
