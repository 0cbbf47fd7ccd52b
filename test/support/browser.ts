// Headless Chromium for the browser tests: the build the @sparticuz/chromium dev dependency ships, or CHROMIUM_PATH.
import chromiumBuild from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** A headless run as root in a container or CI: no sandbox, no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The browser binary: CHROMIUM_PATH when set, else the dev dependency's build, which it unpacks
 * into the temp directory on first use (a second or so) and reuses after that.
 */
export async function chromiumExecutablePath(): Promise<string> {
  return process.env.CHROMIUM_PATH || chromiumBuild.executablePath();
}

/**
 * Launches the browser headless, in a language the test chooses. `posix`: `LANG=C`, as in CI
 * containers, where Chromium reports `en-US@posix`, a tag `Intl.NumberFormat` refuses (the report
 * must draw its charts all the same). Otherwise `en_US.UTF-8`.
 */
export async function launchChromium(options: { posix?: boolean } = {}): Promise<Browser> {
  const locale = options.posix ? 'C' : 'en_US.UTF-8';
  return chromium.launch({
    executablePath: await chromiumExecutablePath(),
    args: [...CHROMIUM_ARGS],
    headless: true,
    env: { ...process.env, LANG: locale, LC_ALL: locale },
  });
}
