// The benchmark's yardstick for paced sending: the least CPU a generator that sends each request at its own time pays here.
import net from 'node:net';
import { sleepUntil } from '../steps/core/run-traffic';
import { sendSchedule } from '../steps/core/traffic';
import { systemClock } from '../steps/ports';

/** As long as our generator waits for its last answers by default. */
const STRAGGLER_MS = 5_000;

export interface PacedFloorShape {
  url: string;
  durationSeconds: number;
  readsPerSecond: number;
  writesPerSecond: number;
}

export interface PacedFloorCounts {
  sent: number;
  answered: number;
}

/**
 * Sends one fixed GET at each intended time of the schedule our generator follows (the same
 * `sendSchedule`, uniform, and the same `sleepUntil`), on keep-alive sockets that carry one request
 * at a time, and takes each socket's next read as its answer. Nothing is parsed, timed out, recorded or classified: it costs the
 * process's wake-ups for each send and each answer, the system calls and little else, so its CPU
 * per request is the floor that pacing to the millisecond sets on this machine for any generator.
 * Only for a sink that answers each request with one small write (`bench/arrival-sink.ts`).
 */
export async function runPacedFloor(shape: PacedFloorShape): Promise<PacedFloorCounts> {
  const target = new URL(shape.url);
  const request = Buffer.from(`GET /products HTTP/1.1\r\nhost: ${target.host}\r\n\r\n`, 'latin1');
  const idle: net.Socket[] = [];
  const busy = new Set<net.Socket>();
  const open = new Set<net.Socket>();
  const counts: PacedFloorCounts = { sent: 0, answered: 0 };
  let settled: (() => void) | undefined;
  const connect = (): net.Socket => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    socket.setNoDelay(true);
    socket.on('data', () => {
      // An answer's one read frees its socket; a second read of the same answer frees nothing.
      if (!busy.delete(socket)) return;
      counts.answered++;
      idle.push(socket);
      if (counts.answered === counts.sent) settled?.();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => open.delete(socket));
    open.add(socket);
    return socket;
  };
  const startedAtMs = systemClock.now();
  for (const scheduled of sendSchedule({ ...shape, arrivals: 'uniform' })) {
    await sleepUntil(systemClock, startedAtMs + scheduled.offsetMs);
    const socket = idle.pop() ?? connect();
    busy.add(socket);
    socket.write(request);
    counts.sent++;
  }
  // The last answers, for at most the request timeout our generator waits for its stragglers.
  if (counts.answered < counts.sent) {
    const wake = new AbortController();
    await Promise.race([
      new Promise<void>((resolve) => (settled = resolve)),
      systemClock.sleep(STRAGGLER_MS, wake.signal),
    ]);
    wake.abort();
  }
  for (const socket of open) socket.destroy();
  return counts;
}
