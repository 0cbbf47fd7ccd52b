// One HTTP call that blocks its caller until the answer is in: a worker thread sends it, the caller waits on a shared flag.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** An HTTP answer: its status and its body read as JSON (null when it has none). */
export interface BlockingAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Sends one request and returns its answer before anything else of the caller's runs. */
export type BlockingRequest = (method: 'GET' | 'POST', url: string, body?: unknown) => BlockingAnswer;

export interface BlockingHttp {
  readonly request: BlockingRequest;
  /** Ends the worker thread. */
  close(): Promise<void>;
}

/** The request could not be made, or got no answer within the bound. */
export class BlockingHttpFailed extends Error {
  override readonly name = 'BlockingHttpFailed';
}

/** The worker: it sends each request it is given, posts the answer on the request's port, then raises its flag. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ flag, port, method, url, body }) => {
  let answer;
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answer = { status: response.status, body: text === '' ? null : JSON.parse(text) };
  } catch (error) {
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
  port.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/**
 * Blocking HTTP for code that must answer at once (a getter, a method that returns a value): each
 * call stops the caller's event loop until the worker has the answer, at most `timeoutMs`. The
 * server must live in another process: one on the caller's own thread cannot answer while it waits.
 */
export function startBlockingHttp(timeoutMs = 10_000): BlockingHttp {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // The worker waits for requests; it must not keep its process alive.
  worker.unref();
  return {
    request(method, url, body) {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ flag, port: port2, method, url, body }, [port2]);
      const waited = Atomics.wait(flag, 0, 0, timeoutMs);
      const received = receiveMessageOnPort(port1);
      port1.close();
      if (waited === 'timed-out' || !received)
        throw new BlockingHttpFailed(`${method} ${url}: no answer within ${timeoutMs} ms`);
      const answer = received.message as BlockingAnswer | { error: string };
      if ('error' in answer) throw new BlockingHttpFailed(`${method} ${url}: ${answer.error}`);
      return answer;
    },
    async close() {
      await worker.terminate();
    },
  };
}
