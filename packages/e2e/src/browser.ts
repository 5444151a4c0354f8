import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (tools/install-system-deps.sh installs it); STRATA_CHROMIUM overrides. */
const CANDIDATES = [process.env.STRATA_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].filter((p): p is string => !!p);

/**
 * A real headless Chromium. There is no skip: without a browser the UI is untested, so a
 * missing one is a failure that says how to install it.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error(`no Chromium at ${CANDIDATES.join(', ')}: run tools/install-system-deps.sh (apt-get install chromium) or set STRATA_CHROMIUM`);
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in a container: no sandbox; nothing reaches out to the internet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Where a view's screenshot goes: reports/ui/NAME.png at the repository's root (CI keeps reports/). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve(__dirname, '../../../reports/ui');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
