// The task calls still running: a stopped execution does not stop a Lambda already running, so the runner waits for them.
import type { LocalTaskHandler } from './task-dispatcher';

/** Wraps each task handler so the runner knows which calls are still running. */
export function trackInFlight(
  handlers: Record<string, LocalTaskHandler>,
  inFlight: Set<Promise<unknown>>,
): Record<string, LocalTaskHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (input: unknown) => {
        const call = handler(input);
        inFlight.add(call);
        void call.then(
          () => inFlight.delete(call),
          () => inFlight.delete(call),
        );
        return call;
      },
    ]),
  );
}

/** Waits for the calls still running, at most `capMs`. */
export async function settleInFlight(inFlight: Set<Promise<unknown>>, capMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, capMs);
  });
  await Promise.race([Promise.allSettled([...inFlight]), cap]);
  clearTimeout(timer);
}
