// The traffic step's workers, each an OS process of its own, as each Lambda of a Map state runs on its own machine.
import { fork, type ChildProcess } from 'node:child_process';
import { trackChildProcess } from '../lab/leftovers';
import path from 'node:path';
import { BUNDLED_EXEC_ARGV, bundledEntry } from './process-bundle';

export interface TrafficWorkerPoolOptions {
  /** Worker processes; a Map iteration `i` runs in process `i % size`. */
  readonly size: number;
  /**
   * The environment of every worker process.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

export interface TrafficWorkerPool {
  readonly size: number;
  /**
   * Runs one traffic event in a worker and resolves with the traffic handler's result. With
   * `workerIndex` the event goes to worker `workerIndex % size`, else to an idle one; a busy worker
   * takes the event after the ones before it. The handler's error rejects with its name and message.
   */
  invoke(event: unknown, workerIndex?: number): Promise<unknown>;
  /** The process id of a worker, as the worker itself reports it (diagnostics and tests). */
  workerPid(workerIndex: number): Promise<number>;
  /** Ends every worker and waits until they are gone; safe to call more than once. */
  close(): Promise<void>;
}

/** A worker process ended before it answered: the event it held (or its start) fails. */
export class TrafficWorkerDied extends Error {
  override readonly name = 'TrafficWorkerDied';

  constructor(
    readonly workerIndex: number,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    during: string,
  ) {
    super(`traffic worker ${workerIndex} died ${during} (exit code ${exitCode}, signal ${signal})`);
  }
}

/** The pool was closed before the event ran, or while it ran. */
export class TrafficWorkerPoolClosed extends Error {
  override readonly name = 'TrafficWorkerPoolClosed';
}

/** Parent -> worker: one message per event, or a pid question. */
export type ToWorker = { type: 'invoke'; id: number; event: unknown } | { type: 'pid' };

/** Worker -> parent: ready once, then one answer per message. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'pid'; pid: number }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: { name: string; message: string; stack?: string } };

const WORKER_ENTRY = path.join(__dirname, 'traffic-worker-process.ts');
/** How long a worker may take to end after its channel closed before it is killed. */
const STOP_GRACE_MS = 5_000;

/** Starts `size` worker processes at once; resolves when every one is ready to take an event. */
export async function startTrafficWorkerPool(options: TrafficWorkerPoolOptions): Promise<TrafficWorkerPool> {
  const { size } = options;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`a traffic worker pool needs a whole number of workers, at least 1 (got ${size})`);
  const slots = Array.from({ length: size }, (_, index) => new WorkerSlot(index, options.env ?? process.env));
  const started = await Promise.allSettled(slots.map((slot) => slot.live()));
  const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) {
    await Promise.all(slots.map((slot) => slot.stop()));
    throw failed.reason;
  }

  let closing: Promise<void> | undefined;
  const slotFor = (workerIndex: number): WorkerSlot => {
    if (!Number.isInteger(workerIndex) || workerIndex < 0)
      throw new RangeError(`a worker index is a whole number from 0 (got ${workerIndex})`);
    return slots[workerIndex % size];
  };
  return {
    size,
    async invoke(event, workerIndex) {
      if (closing) throw new TrafficWorkerPoolClosed('the traffic worker pool is closed');
      return (workerIndex === undefined ? leastBusy(slots) : slotFor(workerIndex)).enqueue(event);
    },
    async workerPid(workerIndex) {
      return slotFor(workerIndex).pid();
    },
    close() {
      closing ??= Promise.all(slots.map((slot) => slot.stop())).then(() => undefined);
      return closing;
    },
  };
}

/** A Step Functions traffic step that runs in the pool: iteration `worker` of a Map state in process `worker`. */
export function trafficStepInPool(pool: TrafficWorkerPool): (event: unknown) => Promise<unknown> {
  return (event) => {
    const worker = (event as { worker?: unknown } | null)?.worker;
    return pool.invoke(event, typeof worker === 'number' ? worker : undefined);
  };
}

function leastBusy(slots: WorkerSlot[]): WorkerSlot {
  return slots.reduce((best, slot) => (slot.load < best.load ? slot : best));
}

interface Job {
  readonly event: unknown;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** One worker's place in the pool: its queue of events, and the process that runs them (started afresh after it died). */
class WorkerSlot {
  private readonly queue: Job[] = [];
  private current: WorkerProcess | null = null;
  private starting: Promise<WorkerProcess> | null = null;
  private running = false;
  private stopped = false;

  constructor(
    private readonly index: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Events waiting or running here. */
  get load(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** The slot's live worker process; a new one when there is none yet or the last one died. */
  live(): Promise<WorkerProcess> {
    if (this.stopped) return Promise.reject(new TrafficWorkerPoolClosed('the traffic worker pool is closed'));
    if (this.current?.alive) return Promise.resolve(this.current);
    this.starting ??= WorkerProcess.start(this.index, this.env).then(
      (worker) => {
        this.current = worker;
        this.starting = null;
        return worker;
      },
      (error: unknown) => {
        this.starting = null;
        throw error;
      },
    );
    return this.starting;
  }

  enqueue(event: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      void this.drain();
    });
  }

  async pid(): Promise<number> {
    return (await this.live()).pid();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.queue.splice(0))
      job.reject(new TrafficWorkerPoolClosed('the traffic worker pool closed before the event ran'));
    await this.starting?.catch(() => undefined);
    await this.current?.stop();
  }

  /** One event at a time: a worker runs the traffic step alone, as one Lambda invocation does. */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      try {
        const worker = await this.live();
        job.resolve(await worker.run(job.event));
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.running = false;
  }
}

type Waiter<T> = { resolve: (value: T) => void; reject: (error: Error) => void };

/** One worker process and the answers it owes: at most one event, and any pid questions. */
class WorkerProcess {
  private event: (Waiter<unknown> & { id: number }) | null = null;
  private readonly pidQuestions: Waiter<number>[] = [];
  private nextId = 0;
  private ended = false;
  private stopping = false;
  private readonly exited: Promise<void>;

  /** Forks the worker and resolves once it loaded the traffic handler. */
  static start(index: number, env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
    // Its own process group: a Ctrl-C at the terminal goes to the runner, which closes the pool after it has settled.
    const child = fork(bundledEntry(WORKER_ENTRY), [], {
      env,
      execArgv: [...BUNDLED_EXEC_ARGV],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    trackChildProcess(child, `traffic worker ${index}`);
    const worker = new WorkerProcess(index, child);
    return new Promise((resolve, reject) => {
      const settle = (outcome: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        outcome();
      };
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready') settle(() => resolve(worker));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
        settle(() => reject(new TrafficWorkerDied(index, code, signal, 'before it was ready')));
      // Only a process that could not be spawned at all ends here without an exit.
      const onError = (error: Error) => {
        if (child.pid === undefined) settle(() => reject(error));
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.on('error', onError);
    });
  }

  private constructor(
    private readonly index: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: FromWorker) => this.answer(message));
    // A failed send or kill: the process is of no use any more, and its exit settles what it owed.
    child.on('error', () => {
      if (this.ended) return;
      if (child.pid === undefined) this.end(null, null);
      else child.kill('SIGKILL');
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.end(code, signal);
        resolve();
      }),
    );
  }

  get alive(): boolean {
    return !this.ended && this.child.connected;
  }

  run(event: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (!this.alive)
        return reject(
          new TrafficWorkerDied(this.index, this.child.exitCode, this.child.signalCode, 'before the event was sent'),
        );
      const id = ++this.nextId;
      this.event = { id, resolve, reject };
      this.send({ type: 'invoke', id, event });
    });
  }

  pid(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pidQuestions.push({ resolve, reject });
      this.send({ type: 'pid' });
    });
  }

  /** Closes the channel (the worker exits on disconnect), killing it if it does not end in time. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.stopping = true;
    if (this.child.connected) this.child.disconnect();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(kill);
  }

  private send(message: ToWorker): void {
    this.child.send(message, (error) => {
      if (error) this.child.kill('SIGKILL');
    });
  }

  private answer(message: FromWorker): void {
    if (message.type === 'pid') {
      this.pidQuestions.shift()?.resolve(message.pid);
      return;
    }
    if ((message.type !== 'result' && message.type !== 'error') || message.id !== this.event?.id) return;
    const { resolve, reject } = this.event;
    this.event = null;
    if (message.type === 'result') resolve(message.result);
    else reject(handlerError(message.error));
  }

  private end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended) return;
    this.ended = true;
    const during = this.event ? 'during an event' : 'while idle';
    const why = () =>
      this.stopping
        ? new TrafficWorkerPoolClosed(`the traffic worker pool closed while worker ${this.index} was busy`)
        : new TrafficWorkerDied(this.index, code, signal, during);
    this.event?.reject(why());
    this.event = null;
    for (const question of this.pidQuestions.splice(0)) question.reject(why());
  }
}

/** The handler's error as the parent's own: same name and message (Step Functions matches on the name). */
function handlerError(thrown: { name: string; message: string; stack?: string }): Error {
  const error = new Error(thrown.message);
  error.name = thrown.name;
  if (thrown.stack) error.stack = thrown.stack;
  return error;
}
