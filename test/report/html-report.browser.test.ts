// The HTML report of a run, and of a BEFORE/AFTER pair, opened in headless Chromium: what a reader sees.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type HtmlReportOptions, renderHtmlReport, type ReportSubject } from '../../report/html-report';
import type { RunReport } from '../../steps/core/contracts';
import { buildReport } from '../../steps/core/report';
import { fragileRun, passingRun } from '../steps/support/builders';
import { launchChromium } from '../support/browser';
import { runReport, withRecovery } from '../support/run-history';
import { SEED_TABLE_ROWS } from '../support/seed-table';

// The first launch unpacks the browser; a busy machine makes both slower.
jest.setTimeout(60_000);

const OUT = path.join(__dirname, '..', '..', 'test-results', 'html-report');

/** Pixels of each chart's canvas that are not background. */
async function paintedPixels(page: Page): Promise<number[]> {
  return page.$$eval('.chart', (charts) =>
    charts.map((chart) => {
      const canvas = chart.querySelector('canvas');
      if (!canvas) return 0;
      const pixels =
        canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let painted = 0;
      for (let i = 0; i < pixels.length; i += 4)
        if (pixels[i + 3] > 0 && (pixels[i] < 250 || pixels[i + 1] < 250 || pixels[i + 2] < 250)) painted += 1;
      return painted;
    }),
  );
}

/** The rows of a panel's result table, as a reader reads them: name -> value. */
async function resultTable(page: Page, panel: number): Promise<Record<string, string>> {
  const rows = await page.$$eval(`section.run[data-run="${panel}"] table.result tr`, (trs) =>
    trs.map(
      (tr) =>
        [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? ''] as [string, string],
    ),
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
async function open(
  subject: ReportSubject,
  name: string,
  options: HtmlReportOptions = {},
  inBrowser: Browser = browser,
  width = 1400,
): Promise<Opened> {
  const file = path.join(OUT, `${name}.html`);
  writeFileSync(file, renderHtmlReport(subject, undefined, options));
  const page = await inBrowser.newPage({ viewport: { width, height: 1000 } });
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) requests.push(request.url());
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`file://${file}`);
  // The script marks the page when it has drawn; a script that failed never does.
  if (errors.length === 0)
    await page
      .waitForFunction('document.body.dataset.chartsDrawn !== undefined', undefined, { timeout: 10_000 })
      .catch(() => undefined);
  if (errors.length > 0) throw new Error(`the report's script failed: ${errors.join('; ')}`);
  if ((await page.evaluate('document.body.dataset.chartsDrawn')) === undefined)
    throw new Error('the report never finished drawing its charts');
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
    expect(panels.map((p) => p.title)).toEqual([
      expect.stringMatching(/BEFORE.*FAILED/),
      expect.stringMatching(/AFTER.*PASSED/),
    ]);
    expect(panels[1].left).toBeGreaterThan(panels[0].left);
  });

  it('shows why the BEFORE run failed, with its failed requests in its table', async () => {
    // Given the pair, opened
    // When the BEFORE panel's reasons and table are read
    const reasons = await opened.page.locator('section.run[data-run="0"] ul.reasons li').allInnerTexts();
    const table = await resultTable(opened.page, 0);
    // Then the reader sees the failed reads and writes, counted
    const { reads, writes } = before;
    expect(reasons).toEqual([
      `${reads.failed} reads failed (baseline 0, outage ${reads.failed}, recovery 0)`,
      `${writes.failed} writes failed (baseline 0, outage ${writes.failed}, recovery 0)`,
    ]);
    expect(table.Reads).toBe(`DB=${reads.database} CACHE=0 FAIL=${reads.failed}`);
    expect(table.Writes).toBe(`OK=${writes.ok} 202_QUEUED=0 STOCK_OUT=0 FAIL=${writes.failed}`);
  });

  it("shows the seed's BEFORE/AFTER table above the runs, the same rows as the terminal's", async () => {
    // Given the pair, opened
    // When the compare table is read as a reader reads it
    const rows = await opened.page.$$eval('table.compare tbody tr', (trs) =>
      trs.map((tr) =>
        Array.from(tr.children).map((cell) => (cell as { textContent: string | null }).textContent ?? ''),
      ),
    );
    // Then it holds the seed's rows with each run's value, BEFORE's orders lost being its failed writes
    expect(rows.map((r) => r[0]).slice(0, SEED_TABLE_ROWS.length)).toEqual(SEED_TABLE_ROWS);
    expect(rows.find((r) => r[0] === 'Orders lost')).toEqual([
      'Orders lost',
      String(before.writes.failed),
      '0 (all drained to the database)',
    ]);
  });

  it('lists each part of the hypothesis with its state, in each run', async () => {
    // Given the pair, opened
    // When the hypothesis tables are read
    const states = await opened.page.$$eval('section.run', (sections) =>
      sections.map((s) =>
        Array.from(s.querySelectorAll('table.hypothesis tr.check td.state')).map(
          (td) => (td as { textContent: string | null }).textContent,
        ),
      ),
    );
    // Then BEFORE broke the outage part and AFTER held all six
    expect(states[0]).toEqual(['held', 'held', 'held', 'broken', 'held', 'held']);
    expect(states[1]).toEqual(['held', 'held', 'held', 'held', 'held', 'held']);
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

describe('the trend of a run against earlier runs, in a browser', () => {
  const week1 = runReport('scheduled-20261113T020000Z', '2026-11-13T02:00:00.000Z', withRecovery(1_100, 20_000));
  const week2 = runReport('scheduled-20261120T020000Z', '2026-11-20T02:00:00.000Z', withRecovery(1_300, 25_000));
  const fragile = runReport('fragile-20261121T020000Z', '2026-11-21T02:00:00.000Z', (r) => {
    r.degradation = false;
    r.verdict = 'failed';
  });
  const later = runReport('scheduled-20261204T020000Z', '2026-12-04T02:00:00.000Z');
  const current = runReport('scheduled-20261127T020000Z', '2026-11-27T02:00:00.000Z', (r) => {
    r.recovery = { ...r.recovery, timeToFirstDatabaseReadMs: 2_400, timeToDrainMs: 31_000 };
    r.verdict = 'failed';
  });
  let opened: Opened;

  beforeAll(async () => {
    opened = await open(current, 'trend', { history: [later, fragile, week1, week2] });
    await opened.page.screenshot({ path: path.join(OUT, 'trend.png'), fullPage: true });
  });

  afterAll(async () => {
    await opened?.page.close();
  });

  it('names the earlier runs of the same target and build, this run first, and leaves out the others', async () => {
    // Given the run with a history holding two earlier resilient runs, a fragile run and a later run
    // When the trend's table is read
    const rows = await opened.page.$$eval('section.trend table.trend-runs tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
    );
    // Then it lists this run and the two earlier ones, newest first, with their verdicts
    expect(rows).toEqual([
      [`${current.runId} (this run)`, current.startedAt, 'FAILED'],
      [week2.runId, week2.startedAt, 'PASSED'],
      [week1.runId, week1.startedAt, 'PASSED'],
    ]);
  });

  it('draws recovery, drain, cache share and outage p99 over the runs, with this run ringed last', async () => {
    // Given the trend, opened
    // When each chart's points are read
    const charts = await opened.page.$$eval('section.trend svg.trend-chart', (svgs) =>
      svgs.map((svg) => ({
        series: svg.getAttribute('data-series'),
        visible: svg.getBoundingClientRect().width > 0,
        points: [...svg.querySelectorAll('circle')].map((c) => c.querySelector('title')?.textContent),
        ringed: [...svg.querySelectorAll('circle.current')].map((c) => c.getAttribute('data-run-id')),
      })),
    );
    // Then four charts are drawn, oldest point first, and the last point is this run
    expect(charts.map((c) => c.series)).toEqual(['recovery', 'drain', 'cacheShare', 'outageP99']);
    for (const chart of charts) {
      expect(chart.visible).toBe(true);
      expect(chart.ringed).toEqual([current.runId]);
    }
    expect(charts[0].points).toEqual([
      `${week1.runId}: 1.1 s`,
      `${week2.runId}: 1.3 s`,
      `${current.runId}: 2.4 s (this run)`,
    ]);
    expect(charts[1].points).toEqual([
      `${week1.runId}: 20.0 s`,
      `${week2.runId}: 25.0 s`,
      `${current.runId}: 31.0 s (this run)`,
    ]);
  });

  it('says how this run changed against the previous one', async () => {
    // Given the trend, opened
    // When the recovery chart's caption is read
    const change = await opened.page.locator('section.trend figure[data-series="recovery"] .trend-change').innerText();
    // Then it reads the slower recovery with the difference
    expect(change).toBe('this run: 2.4 s, previous: 1.3 s (+1.1 s)');
  });

  it('shows the verdict of each run, oldest first', async () => {
    // Given the trend, opened
    // When the verdict cells are read
    const verdicts = await opened.page.$$eval('section.trend rect.verdict-cell', (cells) =>
      cells.map((c) => [c.getAttribute('data-run-id'), c.getAttribute('data-verdict')]),
    );
    // Then the two passed runs come before this failed one
    expect(verdicts).toEqual([
      [week1.runId, 'passed'],
      [week2.runId, 'passed'],
      [current.runId, 'failed'],
    ]);
  });
});

describe('the trend of a first run, in a browser', () => {
  it('says there is no earlier run to compare with', async () => {
    // Given a run whose history holds only runs of another build
    const first = runReport('first', '2026-11-27T02:00:00.000Z');
    const fragile = runReport('fragile', '2026-11-20T02:00:00.000Z', (r) => (r.degradation = false));
    const { page } = await open(first, 'trend-first', { history: [fragile] });
    // When the trend section is read
    const text = await page.locator('section.trend').innerText();
    await page.close();
    // Then it says this is the first run of the target and build, and draws no trend
    expect(text).toContain('No earlier run of this target shop-proxy, resilient build: this is the first');
    expect(text).not.toContain('fragile');
  });

  it('has no trend section when no history was given (the report step on AWS)', async () => {
    // Given a report rendered without a history
    const { page } = await open(runReport('alone', '2026-11-27T02:00:00.000Z'), 'no-history');
    // Then no trend section is on the page
    const sections = await page.locator('section.trend').count();
    await page.close();
    expect(sections).toBe(0);
  });
});

describe('a BEFORE/AFTER report with its trend, under a POSIX locale at 1,280 px', () => {
  const fragileRunOf = (id: string, at: string) =>
    runReport(id, at, (r) => {
      r.degradation = false;
      r.verdict = 'failed';
    });
  const before = fragileRunOf('fragile-20261127T020000Z', '2026-11-27T02:00:00.000Z');
  const after = runReport('scheduled-20261127T020100Z', '2026-11-27T02:01:00.000Z');
  const fragileWeek1 = fragileRunOf('fragile-20261113T020000Z', '2026-11-13T02:00:00.000Z');
  const week1 = runReport('scheduled-20261113T020000Z', '2026-11-13T02:00:00.000Z', withRecovery(1_100, 20_000));
  const week2 = runReport('scheduled-20261120T020000Z', '2026-11-20T02:00:00.000Z', withRecovery(1_300, 25_000));
  let posix: Browser;
  let language: { tag: string; accepted: boolean };
  let opened: Opened;

  beforeAll(async () => {
    // Given Chromium started under LANG=C, as in a CI container
    posix = await launchChromium({ posix: true });
    const blank = await posix.newPage();
    // The function runs in the page, where navigator exists; this project's types know only Node.
    language = await blank.evaluate(`(() => {
      let accepted = true;
      try {
        new Intl.NumberFormat(navigator.language);
      } catch {
        accepted = false;
      }
      return { tag: navigator.language, accepted };
    })()`);
    await blank.close();
    // When the report of a compare with earlier runs is opened 1,280 px wide (open() fails on any page error)
    opened = await open({ before, after }, 'compare-posix', { history: [fragileWeek1, week1, week2] }, posix, 1280);
    await opened.page.screenshot({ path: path.join(OUT, 'compare-posix.png'), fullPage: true });
  });

  afterAll(async () => {
    await opened?.page.close();
    await posix?.close();
  });

  it('runs in a browser whose language Intl refuses', () => {
    // Then the case under test is the one CI meets
    expect(language).toEqual({ tag: 'en-US@posix', accepted: false });
  });

  it("draws every chart's canvas", async () => {
    // When each chart's canvas is read
    const painted = await paintedPixels(opened.page);
    // Then all charts of both runs are drawn, and none says it could not be
    expect(painted.length).toBeGreaterThanOrEqual(4);
    for (const count of painted) expect(count).toBeGreaterThan(1000);
    expect(await opened.page.$$eval('.chart-error', (els) => els.length)).toBe(0);
  });

  it('shows no legend value as "--"', async () => {
    // When the legends under the charts are read
    const cells = await opened.page.$$eval('.u-legend', (legends) => legends.map((legend) => legend.textContent ?? ''));
    // Then they name the series without placeholder values
    expect(cells.length).toBeGreaterThan(0);
    for (const text of cells) expect(text).not.toContain('--');
  });

  it('fits each trend table in its panel, or lets it scroll there', async () => {
    // When each trend table is measured against the box that holds it
    const tables = await opened.page.$$eval('.trend-table', (boxes) =>
      boxes.map((box) => {
        const panel = box.closest('section.run')!.getBoundingClientRect();
        const rect = box.getBoundingClientRect();
        return {
          inside: rect.left >= panel.left - 1 && rect.right <= panel.right + 1,
          fits: box.scrollWidth <= box.clientWidth,
          scrolls: box.ownerDocument.defaultView?.getComputedStyle(box).overflowX === 'auto',
        };
      }),
    );
    // Then every table's box stays within its panel, and a table wider than it scrolls
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) {
      expect(table.inside).toBe(true);
      expect(table.fits || table.scrolls).toBe(true);
    }
  });
});

describe('a report whose chart library cannot load', () => {
  it('says so where each chart would be', async () => {
    // Given a report whose inlined chart library throws as it loads (as uPlot did under a POSIX locale)
    const file = path.join(OUT, 'no-chart-library.html');
    writeFileSync(
      file,
      renderHtmlReport(buildReport(passingRun()).report, { script: 'throw new Error("the library broke");', css: '' }),
    );
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // When it is opened
    await page.goto(`file://${file}`);
    await page.waitForFunction('document.body.dataset.chartsDrawn !== undefined', undefined, { timeout: 10_000 });
    // Then each chart's place says it could not be drawn, visibly, and the library's error is the only page error
    const messages = await page.$$eval('.chart', (charts) =>
      charts.map((chart) => (chart.classList.contains('chart-error') ? chart.textContent : null)),
    );
    expect(messages).toEqual([
      expect.stringMatching(/could not be drawn/),
      expect.stringMatching(/could not be drawn/),
      expect.stringMatching(/could not be drawn/),
    ]);
    expect(errors).toEqual(['the library broke']);
    await page.close();
  });
});
