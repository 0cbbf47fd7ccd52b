// `gameday history` and `gameday report --html` reading the run reports of the report bucket (S3 mocked).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import 'aws-sdk-client-mock-jest';
import type { RunReport } from '../../../steps/core/contracts';
import { runReport, withRecovery } from '../../support/run-history';
import { cloudformation, cloudwatch, resetMocks, s3, sfn, stackWithOutputs } from '../aws/mocks';
import { gameday, MACHINE, terminal } from '../aws/support';

const BUCKET = 'gameday-reports';
const body = (text: string) => ({ Body: { transformToString: async () => text } as never });

/** The bucket holds these reports, each written when its run ended, listed two objects a page. */
function bucketWith(reports: RunReport[], extra: Array<{ key: string; text: string }> = []): void {
  const objects = [
    ...reports.flatMap((r) => {
      const written = new Date(Date.parse(r.startedAt) + 300_000);
      return [
        { Key: `runs/${r.runId}/report.html`, LastModified: written },
        { Key: `runs/${r.runId}/report.json`, LastModified: written },
      ];
    }),
    ...extra.map((e) => ({ Key: e.key, LastModified: new Date('2026-11-01T00:00:00.000Z') })),
  ];
  const pages = [];
  for (let i = 0; i < objects.length; i += 2) pages.push(objects.slice(i, i + 2));
  pages.forEach((contents, i) => {
    const last = i === pages.length - 1;
    s3.on(ListObjectsV2Command, {
      Bucket: BUCKET,
      Prefix: 'runs/',
      ContinuationToken: i === 0 ? undefined : `page-${i}`,
    }).resolves({
      Contents: contents,
      IsTruncated: !last,
      NextContinuationToken: last ? undefined : `page-${i + 1}`,
    });
  });
  for (const r of reports)
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: `runs/${r.runId}/report.json` }).resolves(body(JSON.stringify(r)));
  for (const e of extra) s3.on(GetObjectCommand, { Bucket: BUCKET, Key: e.key }).resolves(body(e.text));
}

const week1 = runReport('scheduled-20261113T020000Z', '2026-11-13T02:00:00.000Z', withRecovery(1_100, 20_000));
const week2 = runReport('scheduled-20261120T020000Z', '2026-11-20T02:00:00.000Z', withRecovery(1_300, 25_000));
const week3 = runReport('scheduled-20261127T020000Z', '2026-11-27T02:00:00.000Z', withRecovery(2_400, 31_000));

beforeEach(() => {
  resetMocks();
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'v0', Values: [3] }] });
});

describe('gameday history from the report bucket', () => {
  it('follows every page of the listing and prints the runs newest first as JSON', async () => {
    // Given three runs whose listing spans three pages
    bucketWith([week1, week2, week3]);
    const term = terminal();
    // When the history of the bucket is asked for as JSON
    const code = await gameday(term, 'history', '--bucket', BUCKET, '--json');
    // Then every page was read, and the runs come newest first with their figures and S3 location
    expect(code).toBe(0);
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 3);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { ContinuationToken: 'page-2' });
    const entries = JSON.parse(term.lines.join('\n')) as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.runId, e.verdict, e.timeToFirstDatabaseReadMs, e.timeToDrainMs, e.report])).toEqual([
      [week3.runId, 'passed', 2_400, 31_000, `s3://${BUCKET}/runs/${week3.runId}/report.json`],
      [week2.runId, 'passed', 1_300, 25_000, `s3://${BUCKET}/runs/${week2.runId}/report.json`],
      [week1.runId, 'passed', 1_100, 20_000, `s3://${BUCKET}/runs/${week1.runId}/report.json`],
    ]);
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
  });

  it('reads only the newest reports the limit asks for', async () => {
    // Given three runs in the bucket
    bucketWith([week1, week2, week3]);
    const term = terminal();
    // When two are asked for
    await gameday(term, 'history', '--bucket', BUCKET, '--json', '--limit', '2');
    // Then the two newest are read and listed; the oldest is never fetched
    expect(JSON.parse(term.lines.join('\n')).map((e: { runId: string }) => e.runId)).toEqual([
      week3.runId,
      week2.runId,
    ]);
    expect(s3).not.toHaveReceivedCommandWith(GetObjectCommand, { Key: `runs/${week1.runId}/report.json` });
  });

  it("prints the stack's runs as a table, then the verdict counts CloudWatch kept", async () => {
    // Given a stack whose outputs name the report bucket
    cloudformation
      .on(DescribeStacksCommand)
      .resolves(stackWithOutputs({ StateMachineArn: MACHINE, ReportBucketName: BUCKET }));
    bucketWith([week1, week2]);
    const term = terminal();
    // When the history is listed
    const code = await gameday(term, 'history', '--stack', 'GameDay');
    // Then the runs come from the bucket, not from the executions, followed by the counts
    expect(code).toBe(0);
    expect(term.lines[0]).toMatch(
      /^run\s+started \(UTC\)\s+build\s+verdict\s+first DB read\s+drained\s+cache share\s+outage p99$/,
    );
    expect(term.lines[1]).toMatch(
      /^scheduled-20261120T020000Z\s+2026-11-20T02:00:00Z\s+resilient\s+passed\s+1\.3s\s+25\.0s\s+100\.0%/,
    );
    expect(term.lines[2]).toMatch(/^scheduled-20261113T020000Z\s+2026-11-13T02:00:00Z/);
    expect(term.lines[3]).toBe(
      'Last 30 days (CloudWatch): 3 passed, 0 failed, 0 inconclusive, 0 aborted, 0 skipped, 0 halted',
    );
    expect(sfn).not.toHaveReceivedCommand(ListExecutionsCommand);
  });

  it("says passes are unknown when only the bucket is named: they are the state machine's succeeded executions", async () => {
    // Given only the report bucket, no stack or state machine
    bucketWith([week1]);
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'v1', Values: [2] }] });
    const term = terminal();
    // When the history is listed
    await gameday(term, 'history', '--bucket', BUCKET);
    // Then the failed count comes from its metric, and no pass count is made up
    expect(term.lines.at(-1)).toBe(
      'Last 30 days (CloudWatch): n/a passed, 2 failed, 0 inconclusive, 0 aborted, 0 skipped, 0 halted',
    );
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, {
      MetricDataQueries: [
        expect.objectContaining({ Id: 'v1' }),
        expect.objectContaining({ Id: 'v2' }),
        expect.objectContaining({ Id: 'v3' }),
        expect.objectContaining({ Id: 'v4' }),
        expect.objectContaining({ Id: 'v5' }),
      ],
    });
  });

  it('reports a corrupt report and a foreign object as skipped, and lists the rest', async () => {
    // Given a good run, a corrupt report and an object that is no run report
    bucketWith(
      [week1],
      [
        { key: 'runs/broken/report.json', text: 'not json' },
        { key: 'runs/notes.txt', text: 'hello' },
      ],
    );
    const term = terminal();
    // When the history is asked for as JSON
    const code = await gameday(term, 'history', '--bucket', BUCKET, '--json');
    // Then the good run is listed and stderr names the others
    expect(code).toBe(0);
    expect(JSON.parse(term.lines.join('\n')).map((e: { runId: string }) => e.runId)).toEqual([week1.runId]);
    expect(term.errors).toEqual([
      `gameday: skipped s3://${BUCKET}/runs/notes.txt: not a run report key (runs/<runId>/report.json)`,
      expect.stringMatching(new RegExp(`^gameday: skipped s3://${BUCKET}/runs/broken/report.json: not JSON`)),
    ]);
  });

  it('refuses --json when no report bucket is named', async () => {
    // Given only the state machine
    const term = terminal();
    // When the history is asked for as JSON
    // Then it says where the runs are listed from, and exits 2
    await expect(gameday(term, 'history', '--state-machine-arn', MACHINE, '--json')).resolves.toBe(2);
    expect(term.errors).toEqual([
      'gameday: --json lists the runs of the report bucket: pass --stack NAME or --bucket NAME',
      '(gameday history --help lists its options)',
    ]);
  });
});

describe('gameday report --html with the report bucket', () => {
  it('draws the trend against the runs written before this one, naming them', async () => {
    // Given three weekly runs in the bucket
    bucketWith([week1, week2, week3]);
    const html = path.join(mkdtempSync(path.join(tmpdir(), 'gameday-trend-')), 'run.html');
    // When the middle run's report is written as HTML
    const code = await gameday(terminal(), 'report', week2.runId, '--bucket', BUCKET, '--html', html);
    // Then its trend names the week before, and not the week after
    expect(code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(`<code>${week1.runId}</code>`);
    expect(page).not.toContain(week3.runId);
    expect(page).toContain('data-earlier="1"');
  });

  it('says there is no earlier run for the first report in the bucket', async () => {
    // Given one run in the bucket
    bucketWith([week1]);
    const html = path.join(mkdtempSync(path.join(tmpdir(), 'gameday-trend-')), 'run.html');
    // When its report is written as HTML
    await gameday(terminal(), 'report', week1.runId, '--bucket', BUCKET, '--html', html);
    // Then the trend says it is the first
    expect(readFileSync(html, 'utf8')).toContain('No earlier run of this target');
  });
});
