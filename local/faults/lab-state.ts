// Between and after fault cases: the target's settled state, the queues drained or redriven, the lab put back for the next case.
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Lab } from '../lab/lab';
import { LOCAL_LAB } from '../runner/local-config';
import { labLock } from '../runner/local-safety-net';
import { readClassifier } from '../../steps/core/answer-rules';
import type { TargetProfile } from '../../steps/core/target-profile';

/** What restoring needs of a fault lab (see `FaultLab`). */
export interface RestorableLab {
  readonly lab: Lab;
  readonly target: { readonly profile: TargetProfile };
  setWorkerFault(fault: null): void;
}

/** The stop-condition alarm the local GameDay config names. */
export const STOP_CONDITION_ALARM = 'chaos-shop-stop-condition';

/** The target's state once a registration in progress has finished (bounded). */
export async function settledTargetState(lab: Lab, capMs = 60_000): Promise<string> {
  const deadline = Date.now() + capMs;
  while (lab.proxy.state === 'REGISTERING' && Date.now() < deadline) await sleep(100);
  return lab.proxy.state;
}

/** Both queues read zero (visible, in flight, delayed) three times in a row; false if not within `capMs`. */
export async function waitDrained(lab: Lab, capMs: number): Promise<boolean> {
  let zeroReadings = 0;
  const deadline = Date.now() + capMs;
  while (zeroReadings < 3 && Date.now() < deadline) {
    const [queue, dlq] = await Promise.all([
      lab.queues.depth(lab.queues.queueUrl),
      lab.queues.depth(lab.queues.dlqUrl),
    ]);
    const total = queue.visible + queue.inFlight + queue.delayed + dlq.visible + dlq.inFlight + dlq.delayed;
    zeroReadings = total === 0 ? zeroReadings + 1 : 0;
    if (zeroReadings < 3) await sleep(500);
  }
  return zeroReadings >= 3;
}

/**
 * Moves every message of the DLQ back to the order queue, as an operator's redrive does once the
 * database is back. The queue is drained first, so the DLQ holds all it will hold.
 */
export async function redriveDlq(lab: Lab, capMs = 60_000): Promise<number> {
  const { client, queueUrl, dlqUrl } = lab.queues;
  const deadline = Date.now() + capMs;
  while (Date.now() < deadline) {
    const queue = await lab.queues.depth(queueUrl);
    if (queue.visible + queue.inFlight + queue.delayed === 0) break;
    await sleep(500);
  }
  let moved = 0;
  while (Date.now() < deadline) {
    const dlq = await lab.queues.depth(dlqUrl);
    if (dlq.visible + dlq.inFlight + dlq.delayed === 0) break;
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of Messages) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.Body ?? '' }));
      await client.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle }));
      moved += 1;
    }
  }
  return moved;
}

/** Puts the lab back for the next case: target, lock, alarm, worker, registration delay, queues. */
export async function restoreLab(env: RestorableLab): Promise<void> {
  const { lab } = env;
  env.setWorkerFault(null);
  lab.metrics.setAlarmState(STOP_CONDITION_ALARM, 'OK');
  lab.proxy.registrationDelayMs = LOCAL_LAB.registrationDelayMs ?? 1_000;
  if ((await settledTargetState(lab)) === 'DEREGISTERED') lab.proxy.register();
  await settledTargetState(lab);
  const lock = labLock(lab);
  const holder = await lock.holder();
  if (holder) await lock.release(holder);
  await redriveDlq(lab);
  await waitDrained(lab, 60_000);
  // The next case's baseline must find a steady state: a breaker still open from this case would serve it degraded.
  await waitServedFromPrimary(lab, env.target.profile);
}

/**
 * Sends the profile's first read until three in a row are served from the primary (the database);
 * false if not within `capMs`. A read whose template holds placeholders is not sent: true at once.
 */
export async function waitServedFromPrimary(lab: Lab, profile: TargetProfile, capMs = 30_000): Promise<boolean> {
  const read = profile.reads[0]?.request;
  if (!read || read.path.includes('{{')) return true;
  const classifier = readClassifier(profile);
  const header = classifier.needs.keepHeader;
  let primary = 0;
  const deadline = Date.now() + capMs;
  while (primary < 3 && Date.now() < deadline) {
    const answer = await fetch(`${lab.shopUrl}${read.path}`, { method: read.method, headers: read.headers }).then(
      async (response) => ({
        status: response.status,
        body: await response.text(),
        ...(header ? { header: response.headers.get(header) ?? undefined } : {}),
      }),
      () => null,
    );
    primary = answer && classifier.classify(answer) === 'database' ? primary + 1 : 0;
    if (primary < 3) await sleep(250);
  }
  return primary >= 3;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
