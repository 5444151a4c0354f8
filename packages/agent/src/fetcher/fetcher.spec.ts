import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { tmpDir } from '@strata/lib/testing';
import { fetchUris, FetchError } from './fetcher';

const uri = (value: string, extra: Partial<{ executable: boolean; extract: boolean; outputFile: string }> = {}) => ({ value, executable: false, extract: true, cache: false, outputFile: '', ...extra });

describe('fetchUris (Mesos fetcher)', () => {
  const dir = tmpDir();
  const src = path.join(dir.path, 'src');
  mkdirSync(path.join(src, 'pkg'), { recursive: true });
  writeFileSync(path.join(src, 'run.sh'), '#!/bin/sh\necho ran\n');
  writeFileSync(path.join(src, 'pkg', 'data.txt'), 'inside the archive\n');
  execFileSync('tar', ['-czf', path.join(src, 'bundle.tar.gz'), '-C', src, 'pkg']);
  let server: http.Server;
  let base = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const file = path.join(src, path.basename(req.url ?? ''));
      if (!existsSync(file)) return void res.writeHead(404).end();
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    dir.remove();
  });

  it('downloads, makes executable, extracts archives and honours output_file', async () => {
    const sandbox = path.join(dir.path, 'sb1');
    mkdirSync(sandbox);
    await fetchUris([uri(`${base}/run.sh`, { executable: true }), uri(`${base}/bundle.tar.gz`), uri(`file://${src}/run.sh`, { outputFile: 'copy.sh' })], sandbox);
    expect(statSync(path.join(sandbox, 'run.sh')).mode & 0o111).toBeTruthy();
    expect(readFileSync(path.join(sandbox, 'pkg', 'data.txt'), 'utf8')).toBe('inside the archive\n');
    expect(readFileSync(path.join(sandbox, 'copy.sh'), 'utf8')).toContain('echo ran');
  });

  it('keeps an archive packed with extract=false', async () => {
    const sandbox = path.join(dir.path, 'sb2');
    mkdirSync(sandbox);
    await fetchUris([uri(`${base}/bundle.tar.gz`, { extract: false })], sandbox);
    expect(existsSync(path.join(sandbox, 'pkg'))).toBe(false);
    expect(existsSync(path.join(sandbox, 'bundle.tar.gz'))).toBe(true);
  });

  it.each([
    ['/missing', "Failed to fetch '%BASE%/missing': HTTP 404"],
    ['ftp://x/y', 'only http, https, file URLs'],
  ])('fails with a message naming the URI (%s)', async (p, message) => {
    const value = p.startsWith('/') ? `${base}${p}` : p;
    await expect(fetchUris([uri(value)], dir.path)).rejects.toThrow(FetchError);
    await expect(fetchUris([uri(value)], dir.path)).rejects.toThrow(message.replace('%BASE%', base));
  });

  it('refuses output files that would leave the sandbox', async () => {
    await expect(fetchUris([uri(`${base}/run.sh`, { outputFile: '../escape' })], dir.path)).rejects.toThrow('must be a plain file name');
  });
});
