// The HTML report opened in headless Chromium: `gameday local --html` writes it; the table and every chart are drawn.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { renderHtmlReport } from '../../dashboards/render/html-report';
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { passingRun } from '../steps/support/builders';

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-results', 'html-report');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium; the test fails (never skips) without it. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium not found: install Debian\'s chromium (apt-get install chromium) or set CHROMIUM_PATH; the HTML report test needs a real browser');
  }
}

/** Pixels of a chart's canvas that are not background. */
async function paintedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (charts) =>
    charts.map((chart) => {
      const canvas = chart.querySelector('canvas');
      if (!canvas) return 0;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let painted = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3] > 0 && (pixels[i] < 250 || pixels[i + 1] < 250 || pixels[i + 2] < 250)) painted += 1;
      return painted;
    }),
  );
}

async function open(browser: Browser, file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`file://${file}`);
  await page.waitForFunction('document.body.dataset.chartsDrawn !== undefined');
  if (errors.length > 0) throw new Error(`the report's script failed: ${errors.join('; ')}`);
  return { page, requests };
}

describe('HTML report in a browser', () => {
  let browser: Browser;
  let cliRun: ReturnType<typeof spawnSync>;
  const singleFile = path.join(OUT, 'report.html');

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    // One short local GameDay through the CLI, as a user runs it.
    cliRun = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'cli', 'bin', 'gameday.ts'), 'local',
        '--baseline-seconds', '3', '--outage-seconds', '8', '--recovery-seconds', '4',
        '--json', path.join(OUT, 'report.json'), '--html', singleFile],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 170_000 },
    );
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  }, 200_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('is written by `gameday local --html`', () => {
    // Given the local run above
    // Then it wrote the HTML report beside the JSON one
    expect(cliRun.stdout).toContain(`HTML report written to ${singleFile}`);
    expect(existsSync(singleFile)).toBe(true);
  });

  it('shows the seed table with the counts of the run report', async () => {
    // Given the report of the local run
    const report = JSON.parse(readFileSync(path.join(OUT, 'report.json'), 'utf8')) as RunReport;
    // When it is opened
    const { page } = await open(browser, singleFile);
    // Then the table shows the run's reads, writes and verdict
    const table = await page.locator('table.result').innerText();
    expect(table).toContain(`DB=${report.reads.database} CACHE=${report.reads.cache} FAIL=${report.reads.failed}`);
    expect(table).toContain(`OK=${report.writes.ok} 202_QUEUED=${report.writes.queued}`);
    expect(table).toContain(report.verdict.toUpperCase());
    await page.screenshot({ path: path.join(OUT, 'report.png'), fullPage: true });
    await page.close();
  });

  it('draws every chart of the run, fetching nothing from the network', async () => {
    // Given the report of the local run, opened
    const { page, requests } = await open(browser, singleFile);
    // When each chart's canvas is read
    const painted = await paintedPixels(page, '.chart');
    // Then the reads, writes and latency charts are all drawn, and no request left the file
    expect(painted).toHaveLength(3);
    for (const count of painted) expect(count).toBeGreaterThan(1000);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('puts BEFORE and AFTER side by side for a compare run', async () => {
    // Given a BEFORE / AFTER pair rendered to a file
    const after = buildReport(passingRun()).report;
    const before: RunReport = { ...after, runId: 'before-run', degradation: false, verdict: 'failed', reasons: ['60 reads failed'] };
    const file = path.join(OUT, 'compare.html');
    writeFileSync(file, renderHtmlReport({ before, after }));
    // When it is opened
    const { page } = await open(browser, file);
    // Then two run panels stand next to each other, each with its charts drawn
    const panels = await page.$$eval('section.run', (sections) => sections.map((s) => ({ title: s.querySelector('h2')?.textContent ?? '', left: s.getBoundingClientRect().left })));
    expect(panels.map((p) => p.title)).toEqual([expect.stringContaining('BEFORE'), expect.stringContaining('AFTER')]);
    expect(panels[1].left).toBeGreaterThan(panels[0].left);
    expect((await paintedPixels(page, '.chart')).every((count) => count > 1000)).toBe(true);
    await page.screenshot({ path: path.join(OUT, 'compare.png'), fullPage: true });
    await page.close();
  });
});
