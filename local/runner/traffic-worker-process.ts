// One traffic worker: a process of its own that runs the traffic step, one event at a time, for its pool.
import { handler, type TrafficEvent } from '../../steps/handlers/traffic';
import type { ToWorker, FromWorker } from './traffic-workers';

function post(message: FromWorker): void {
  // The parent may be gone already, or go while the message is on its way (EPIPE): there is nobody
  // left to answer then. The callback takes that error, which would otherwise be thrown as an
  // unhandled 'error' event of the process.
  if (process.connected) process.send?.(message, undefined, {}, () => undefined);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'pid') {
    post({ type: 'pid', pid: process.pid });
    return;
  }
  Promise.resolve()
    .then(() => handler(message.event as TrafficEvent))
    .then(
      (result) => post({ type: 'result', id: message.id, result }),
      (error: unknown) =>
        post({
          type: 'error',
          id: message.id,
          error:
            error instanceof Error
              ? { name: error.name, message: error.message, stack: error.stack }
              : { name: 'Error', message: String(error) },
        }),
    );
});

// The pool owns this process: when the channel closes (the pool closed, or its process died), the worker ends.
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal reaches the whole process group. Stopping the execution does not stop a Lambda
// already running, and the runner decides what Ctrl-C means: the worker lives until its pool closes.
process.on('SIGINT', () => undefined);

post({ type: 'ready' });
