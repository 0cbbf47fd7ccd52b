// The HTML report of a run, and of a BEFORE/AFTER pair, opened in headless Chromium: what a reader sees.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { renderHtmlReport, type ReportSubject } from '../../dashboards/render/html-report';
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { fragileRun, passingRun } from '../steps/support/builders';
import { launchChromium } from '../support/browser';

// The first launch unpacks the browser; a busy machine makes both slower.
jest.setTimeout(60_000);

const OUT = path.join(__dirname, '..', '..', 'test-results', 'html-report');

/** Pixels of each chart's canvas that are not background. */
async function paintedPixels(page: Page): Promise<number[]> {
  return page.$$eval('.chart', (charts) =>
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

/** The rows of a panel's result table, as a reader reads them: name -> value. */
async function resultTable(page: Page, panel: number): Promise<Record<string, string>> {
  const rows = await page.$$eval(`section.run[data-run="${panel}"] table.result tr`, (trs) =>
    trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? ''] as [string, string]),
  );
  return Object.fromEntries(rows);
}

interface Opened {
  page: Page;
  /** Requests that left the file. */
  requests: string[];
}

let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Renders the subject to a file, as `gameday local --html` writes it, and opens it once its charts are drawn. */
async function open(subject: ReportSubject, name: string): Promise<Opened> {
  const file = path.join(OUT, `${name}.html`);
  writeFileSync(file, renderHtmlReport(subject));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`file://${file}`);
  // The script marks the page when it has drawn; a script that failed never does.
  if (errors.length === 0) await page.waitForFunction('document.body.dataset.chartsDrawn !== undefined', undefined, { timeout: 10_000 }).catch(() => undefined);
  if (errors.length > 0) throw new Error(`the report's script failed: ${errors.join('; ')}`);
  if ((await page.evaluate('document.body.dataset.chartsDrawn')) === undefined) throw new Error('the report never finished drawing its charts');
  return { page, requests };
}

describe('the HTML report of one run, in a browser', () => {
  const report: RunReport = buildReport(passingRun()).report;
  let opened: Opened;

  beforeAll(async () => {
    opened = await open(report, 'report');
    await opened.page.screenshot({ path: path.join(OUT, 'report.png'), fullPage: true });
  });

  afterAll(async () => {
    await opened?.page.close();
  });

  it('shows the verdict in the heading and in its panel', async () => {
    // Given the report of a run that passed, opened
    const { page } = opened;
    // Then the reader sees PASSED at the top and on the run's badge
    expect(await page.locator('h1').innerText()).toContain('PASSED');
    expect(await page.locator('section.run .badge').innerText()).toBe('PASSED');
  });

  it("shows the seed's table with the run's counts", async () => {
    // Given the report, opened
    // When the result table is read
    const table = await resultTable(opened.page, 0);
    // Then each row carries the run report's numbers
    const { reads, writes, orders } = report;
    expect(table).toEqual({
      Reads: `DB=${reads.database} CACHE=${reads.cache} FAIL=${reads.failed}`,
      Writes: `OK=${writes.ok} 202_QUEUED=${writes.queued} STOCK_OUT=${writes.stockOut} FAIL=${writes.failed}`,
      'Orders lost': `0 (0 failed writes, 0 accepted but not recorded; accepted ${orders.accepted}, committed ${orders.committed}, rejected 0, duplicated 0)`,
      'SQS remaining / DLQ': '0 / 0',
      'Target registered at end': 'yes',
      Verdict: 'PASSED',
    });
  });

  it('draws the reads, writes and latency charts, fetching nothing from the network', async () => {
    // Given the report, opened
    // When each chart's canvas is read
    const painted = await paintedPixels(opened.page);
    // Then all three charts are drawn, and no request left the file
    expect(painted).toHaveLength(3);
    for (const count of painted) expect(count).toBeGreaterThan(1000);
    expect(opened.requests).toEqual([]);
  });
});

describe('the HTML report of a BEFORE/AFTER pair, in a browser', () => {
  const before: RunReport = buildReport(fragileRun()).report;
  const after: RunReport = buildReport(passingRun()).report;
  let opened: Opened;

  beforeAll(async () => {
    opened = await open({ before, after }, 'compare');
    await opened.page.screenshot({ path: path.join(OUT, 'compare.png'), fullPage: true });
  });

  afterAll(async () => {
    await opened?.page.close();
  });

  it('puts the fragile BEFORE run left of the resilient AFTER run, each with its verdict', async () => {
    // Given the pair, opened
    // When the run panels are read
    const panels = await opened.page.$$eval('section.run', (sections) =>
      sections.map((s) => ({ title: s.querySelector('h2')?.textContent ?? '', left: s.getBoundingClientRect().left })),
    );
    // Then BEFORE (FAILED) stands left of AFTER (PASSED)
    expect(panels.map((p) => p.title)).toEqual([expect.stringMatching(/BEFORE.*FAILED/), expect.stringMatching(/AFTER.*PASSED/)]);
    expect(panels[1].left).toBeGreaterThan(panels[0].left);
  });

  it('shows why the BEFORE run failed, with its failed requests in its table', async () => {
    // Given the pair, opened
    // When the BEFORE panel's reasons and table are read
    const reasons = await opened.page.locator('section.run[data-run="0"] ul.reasons li').allInnerTexts();
    const table = await resultTable(opened.page, 0);
    // Then the reader sees the failed reads and writes, counted
    const { reads, writes } = before;
    expect(reasons).toEqual([`${reads.failed} reads failed (baseline 0, outage ${reads.failed}, recovery 0)`, `${writes.failed} writes failed (baseline 0, outage ${writes.failed}, recovery 0)`]);
    expect(table.Reads).toBe(`DB=${reads.database} CACHE=0 FAIL=${reads.failed}`);
    expect(table.Writes).toBe(`OK=${writes.ok} 202_QUEUED=0 STOCK_OUT=0 FAIL=${writes.failed}`);
  });

  it('shows the seed\'s BEFORE/AFTER table above the runs, the same rows as the terminal\'s', async () => {
    // Given the pair, opened
    // When the compare table is read as a reader reads it
    const rows = await opened.page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((cell) => (cell as { textContent: string | null }).textContent ?? '')));
    // Then it holds the seed's rows with each run's value, BEFORE's orders lost being its failed writes
    expect(rows.map((r) => r[0]).slice(0, 6)).toEqual(['Read failures during outage', 'Reads served from cache', 'Write failures during outage', 'Orders buffered to SQS', 'Orders lost', 'Customer experience']);
    expect(rows.find((r) => r[0] === 'Orders lost')).toEqual(['Orders lost', String(before.writes.failed), '0 (all drained to the database)']);
  });

  it('lists each part of the hypothesis with its state, in each run', async () => {
    // Given the pair, opened
    // When the hypothesis tables are read
    const states = await opened.page.$$eval('section.run', (sections) => sections.map((s) => Array.from(s.querySelectorAll('table.hypothesis tr.check td.state')).map((td) => (td as { textContent: string | null }).textContent)));
    // Then BEFORE broke the outage part and AFTER held all five
    expect(states[0]).toEqual(['held', 'held', 'broken', 'held', 'held']);
    expect(states[1]).toEqual(['held', 'held', 'held', 'held', 'held']);
  });

  it('draws the charts of both runs', async () => {
    // Given the pair, opened
    // When each chart's canvas is read
    const painted = await paintedPixels(opened.page);
    // Then the three charts of each run are drawn
    expect(painted).toHaveLength(6);
    for (const count of painted) expect(count).toBeGreaterThan(1000);
  });
});
