// The report step stores the run report JSON and HTML in the report bucket, or says why it did not.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { reportStoreFromEnv } from '../../../steps/adapters/s3-report-store';
import { createReportHandler } from '../../../steps/handlers/report';
import { passingRun } from '../support/builders';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

describe('report step storage', () => {
  it('stores the JSON and the HTML under the run id and as the latest report', async () => {
    // Given a bucket named in the environment
    const handler = createReportHandler(reportStoreFromEnv({ REPORT_BUCKET: 'gameday-reports' }));
    // When the step runs
    const output = await handler(passingRun());
    // Then four objects are written and the output says where
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 4);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'gameday-reports',
      Key: 'runs/run-1/report.json',
      ContentType: 'application/json',
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'gameday-reports',
      Key: 'runs/run-1/report.html',
      ContentType: 'text/html; charset=utf-8',
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'gameday-reports', Key: 'latest/report.html' });
    expect(output.storage.location).toEqual({
      bucket: 'gameday-reports',
      jsonKey: 'runs/run-1/report.json',
      htmlKey: 'runs/run-1/report.html',
    });
  });

  it('writes a self-contained HTML report with the chart library inlined', async () => {
    // Given a bucket named in the environment
    const handler = createReportHandler(reportStoreFromEnv({ REPORT_BUCKET: 'gameday-reports' }));
    // When the step runs
    await handler(passingRun());
    // Then the HTML carries uPlot and loads nothing from elsewhere
    const html = String(s3.commandCalls(PutObjectCommand, { Key: 'runs/run-1/report.html' })[0].args[0].input.Body);
    expect(html).toContain('uPlot');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('skips storing without REPORT_BUCKET and says where the report would go', async () => {
    // Given no bucket in the environment (a local run)
    const handler = createReportHandler(reportStoreFromEnv({}));
    // When the step runs
    const output = await handler(passingRun());
    // Then nothing is written and the note names the key
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(output.storage).toEqual({
      location: null,
      note: 'REPORT_BUCKET is not set: the report was not stored (on AWS it goes to s3://<report bucket>/runs/run-1/report.json)',
    });
  });

  it('keeps the verdict when the bucket refuses the report', async () => {
    // Given a bucket that refuses writes
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const handler = createReportHandler(reportStoreFromEnv({ REPORT_BUCKET: 'gameday-reports' }));
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // When the step runs
    const output = await handler(passingRun());
    // Then the run's verdict stands and the note says what failed
    expect(output.verdict).toBe('passed');
    expect(output.storage).toEqual({
      location: null,
      note: 'not stored in s3://gameday-reports/runs/run-1/report.json: AccessDenied: Access Denied',
    });
  });
});
