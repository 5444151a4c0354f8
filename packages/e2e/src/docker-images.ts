import { execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { tmpDir } from '@strata/lib/testing';

export const TEST_IMAGE = 'strata-test/busybox:1';

const APPLETS = ['sh', 'sleep', 'echo', 'cat', 'true', 'false', 'httpd', 'ls', 'dd', 'head', 'tr', 'wc', 'env', 'id', 'printf', 'test', 'kill', 'hostname', 'wget'];

/**
 * There is no registry to pull from here: tests build their image locally from Debian's
 * busybox-static (one static binary and its applet links), imported with dockerode.
 */
export async function ensureTestImage(docker: Docker, tag = TEST_IMAGE): Promise<string> {
  try {
    await docker.getImage(tag).inspect();
    return tag;
  } catch {
    // build it
  }
  const dir = tmpDir('strata-image-');
  try {
    const root = path.join(dir.path, 'rootfs');
    mkdirSync(path.join(root, 'bin'), { recursive: true });
    mkdirSync(path.join(root, 'www'), { recursive: true });
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
    copyFileSync('/bin/busybox', path.join(root, 'bin', 'busybox'));
    for (const a of APPLETS) symlinkSync('busybox', path.join(root, 'bin', a));
    writeFileSync(path.join(root, 'www', 'index.html'), 'hello from a strata container\n');
    const tar = path.join(dir.path, 'rootfs.tar');
    execFileSync('tar', ['-C', root, '-cf', tar, '.']);
    const [repo, version] = tag.split(':');
    const stream = (await docker.importImage(createReadStream(tar) as unknown as string, {
      repo,
      tag: version,
      changes: ['ENV PATH=/bin', 'CMD ["/bin/sh","-c","echo from the image cmd"]'],
    } as never)) as unknown as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: unknown) => (err ? reject(err) : resolve())));
    return tag;
  } finally {
    dir.remove();
  }
}
