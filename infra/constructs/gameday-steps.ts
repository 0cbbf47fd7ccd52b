// The state machine's Lambda steps: validate, traffic (two sizes), tally, verify orders, report, each with its grants.
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { chartAssetPaths } from '../../report/html-report';
import { REPORT_MEMORY_MB, REPORT_TIMEOUT_SECONDS } from '../../steps/core/report-sizing';
import { TRAFFIC_SIZE_ENV, TRAFFIC_SIZES, type TrafficSize } from '../../steps/core/run-settings';
import { SHOP_AUTH_ENV } from '../../steps/core/shop-auth';
import { STEP_ENV } from '../../steps/core/step-environment';
import { DEFAULT_SHOP_AUTH, type GameDayConfig, type ShopAuth } from '../config';
import { acknowledgeWildcardResource } from '../nag';
import type { ReportArchive } from './report-archive';
import { StepFunction } from './step-function';
import { WORKER_TIMEOUT_SECONDS } from './workflow/traffic-windows';

export interface GameDayStepsProps {
  readonly config: GameDayConfig;
  /** The lock table: the traffic workers store their timelines there, the report step reads them. */
  readonly lockTable: dynamodb.ITable;
  /** Where the report step stores the run reports. */
  readonly reportArchive: ReportArchive;
  /** Why the steps that call the shop may invoke every route of its API, for cdk-nag. */
  readonly shopInvokeAcknowledgement: string;
}

/** The Lambda functions the state machine invokes, each with exactly the access its step needs. */
export class GameDaySteps extends Construct {
  readonly validateInput: StepFunction;
  readonly traffic: Readonly<Record<TrafficSize, StepFunction>>;
  readonly tallyWindow: StepFunction;
  readonly verifyOrders: StepFunction;
  readonly report: StepFunction;
  /** Every step, in the order the run invokes them. */
  readonly all: readonly StepFunction[];

  constructor(scope: Construct, id: string, props: GameDayStepsProps) {
    super(scope, id);
    const { lockTable, reportArchive } = props;
    // The two steps that call the shop authenticate as the target says; their grants follow.
    const shopAuth = props.config.shopAuth ?? DEFAULT_SHOP_AUTH;
    const shopCaller = { environment: shopAuthEnvironment(shopAuth), secretsExtension: shopAuth.type === 'header' };
    this.validateInput = new StepFunction(this, 'ValidateInput', {
      step: 'validate-input',
      description: 'GameDay: validates a run input',
      timeout: Duration.seconds(10),
    });
    // Two functions from the same code: the small one for the usual rates, the large one for the rates it cannot carry.
    const trafficOf = (size: TrafficSize, trafficId: string) =>
      new StepFunction(this, trafficId, {
        step: 'traffic',
        description: `GameDay: drives one worker's share of one window of open-loop traffic against the shop (${size}, ${TRAFFIC_SIZES[size].memoryMb} MB)`,
        // One invocation runs one window (at most 120 s) and its stragglers (5 s).
        timeout: Duration.seconds(WORKER_TIMEOUT_SECONDS),
        memorySize: TRAFFIC_SIZES[size].memoryMb,
        secretsExtension: shopCaller.secretsExtension,
        environment: { ...shopCaller.environment, [TRAFFIC_SIZE_ENV]: size },
      });
    this.traffic = { small: trafficOf('small', 'Traffic'), large: trafficOf('large', 'TrafficLarge') };
    const traffic = Object.values(this.traffic);
    // The workers store their timelines for the report step, under their own keys only: never the lock item.
    for (const fn of traffic) grantTimelineItems(fn, lockTable, 'StoreTimelines', 'dynamodb:PutItem');
    this.tallyWindow = new StepFunction(this, 'TallyWindow', {
      step: 'tally-window',
      description: 'GameDay: merges one traffic window of all workers',
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
    // Lookups of a sample of accepted writes, at the profile's bounded rate, then the settle time: minutes, not seconds.
    this.verifyOrders = new StepFunction(this, 'VerifyOrders', {
      step: 'verify-orders',
      description: 'GameDay: proves every accepted write recorded once',
      timeout: Duration.minutes(5),
      ...shopCaller,
    });
    // The proof by lookup reads which writes the workers saw accepted, stored beside their timelines.
    grantTimelineItems(this.verifyOrders, lockTable, 'ReadAcceptedWrites', 'dynamodb:BatchGetItem');
    for (const caller of [...traffic, this.verifyOrders]) {
      grantShopAccess(caller.role, shopAuth);
      if (shopAuth.type === 'iam' && shopAuth.executeApiArn.includes('*'))
        acknowledgeWildcardResource(caller.role, shopAuth.executeApiArn, props.shopInvokeAcknowledgement);
    }
    this.report = new StepFunction(this, 'Report', {
      step: 'report',
      description: 'GameDay: builds the run report and its metrics, and stores the report',
      timeout: Duration.seconds(REPORT_TIMEOUT_SECONDS),
      // Derived from the measured merge of the largest accepted run (`steps/core/report-sizing.ts`).
      memorySize: REPORT_MEMORY_MB,
      environment: { [STEP_ENV.reportBucket]: reportArchive.bucket.bucketName },
      // The HTML report inlines the chart library, read next to the bundled handler.
      bundledFiles: chartAssetPaths(),
    });
    reportArchive.grantPutReports(this.report.role);
    grantTimelineItems(this.report, lockTable, 'ReadTimelines', 'dynamodb:BatchGetItem');
    this.all = [this.validateInput, ...traffic, this.tallyWindow, this.verifyOrders, this.report];
  }
}

/** `action` on the lock table's timeline items (`timeline#...`) only: never on the lock item. */
function grantTimelineItems(step: StepFunction, lockTable: dynamodb.ITable, sid: string, action: string): void {
  step.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid,
      actions: [action],
      resources: [lockTable.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['timeline#*'] } },
    }),
  );
}

/** The environment that tells the shop's callers how to authenticate (`steps/adapters/target-auth.ts` reads it). */
function shopAuthEnvironment(auth: ShopAuth): Record<string, string> {
  if (auth.type === 'header')
    return {
      [SHOP_AUTH_ENV.type]: 'header',
      [SHOP_AUTH_ENV.headerName]: auth.headerName,
      [SHOP_AUTH_ENV.secretArn]: auth.secretArn,
    };
  return { [SHOP_AUTH_ENV.type]: auth.type };
}

/** Invoke on that one API (IAM), or read that one secret (header); nothing for an open shop. */
function grantShopAccess(role: iam.IRole, auth: ShopAuth): void {
  if (auth.type === 'iam') {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'InvokeShop', actions: ['execute-api:Invoke'], resources: [auth.executeApiArn] }),
    );
  } else if (auth.type === 'header') {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadShopKey',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [auth.secretArn],
      }),
    );
  }
}
