// Your own service in the lab: started from its profile's `local` command in a process group of its own, its output to a file, stopped as a whole.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { LocalService, TargetProfile } from '../../steps/core/target-profile';

/** The service could not be started, exited, or never became healthy; the lab was stopped. */
export class ServiceFailed extends Error {
  override readonly name = 'ServiceFailed';
}

/** What the lab offers the service, for the profile's `{{lab.*}}` placeholders. */
export interface LabEndpoints {
  readonly databaseUrl: string;
  readonly sqsEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
}

export interface ServiceOptions {
  readonly profile: TargetProfile;
  /** The profile's folder: the command runs there. */
  readonly profileDir: string;
  /** Where the service's standard output and error go. */
  readonly logPath: string;
  /** Overrides of the profile's `local.env` (a mode, say). @default {} */
  readonly env?: Readonly<Record<string, string>>;
}

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logPath: string;
  /** Why the service ended early, when it did (the run reports it). */
  readonly exited: string | null;
  /** Stops the whole process group: SIGTERM, then SIGKILL after the profile's stop timeout. */
  stop(): Promise<void>;
}

/** Process groups of services still running: killed when this process exits, however it exits. */
const running = new Set<number>();
process.once('exit', () => {
  for (const group of running) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Fills `{{lab.<name>}}` in a value of the profile's environment. */
function fill(value: string, values: Readonly<Record<string, string>>): string {
  return value.replace(/\{\{\s*lab\.([A-Za-z]+)\s*\}\}/g, (whole, name: string) => {
    if (!(name in values))
      throw new ServiceFailed(
        `local.env: ${whole} is not a lab value (known: ${Object.keys(values)
          .map((k) => `{{lab.${k}}}`)
          .join(', ')})`,
      );
    return values[name];
  });
}

/**
 * Starts the service: its own process group (so the whole group can be stopped, and a Ctrl-C in
 * the terminal reaches the GameDay, not the service), the database URL through the fault proxy, a
 * free port, the emulators' endpoints in the variables the AWS SDKs read. Waits until its health
 * path answers 2xx; a service that exits first, or is not healthy in time, is stopped and refused.
 */
export async function startService(options: ServiceOptions, lab: LabEndpoints): Promise<ServiceProcess> {
  const local: LocalService | undefined = options.profile.local;
  if (!local)
    throw new ServiceFailed(
      `the profile ${options.profile.name} has no "local" section: the lab cannot start the service`,
    );
  const port = await freePort();
  const values = { ...lab, port: String(port) };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'lab',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'lab',
    AWS_ENDPOINT_URL_SQS: lab.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: lab.dynamodbEndpoint,
    [local.databaseUrlEnv ?? 'DATABASE_URL']: lab.databaseUrl,
    [local.portEnv ?? 'PORT']: String(port),
  };
  for (const [key, value] of Object.entries({ ...local.env, ...options.env })) env[key] = fill(value, values);

  mkdirSync(path.dirname(options.logPath), { recursive: true });
  const log = openSync(options.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(local.command[0], local.command.slice(1), {
      cwd: options.profileDir,
      env,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', (error) => resolve(error));
  });
  if (spawned || child.pid === undefined)
    throw new ServiceFailed(`could not start ${local.command.join(' ')}: ${spawned?.message ?? 'no process'}`);
  const pid = child.pid;
  running.add(pid);

  // A holder, not a variable: the exit listener sets it, and the health loop reads it between waits.
  const state: { exited: string | null } = { exited: null };
  const ended = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      state.exited = signal ? `killed by ${signal}` : `exited with code ${String(code)}`;
      running.delete(pid);
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (state.exited !== null) return killGroup(pid, 'SIGKILL');
    killGroup(pid, 'SIGTERM');
    const timer = new Promise<'late'>((resolve) =>
      setTimeout(() => resolve('late'), (local.stopTimeoutSeconds ?? 5) * 1000).unref(),
    );
    if ((await Promise.race([ended.then(() => 'ended' as const), timer])) === 'late') killGroup(pid, 'SIGKILL');
    // Whatever it left behind in its group goes too.
    killGroup(pid, 'SIGKILL');
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  };

  const url = `http://127.0.0.1:${port}`;
  const healthUrl = `${url}${options.profile.health.path}`;
  const deadline = Date.now() + (local.healthTimeoutSeconds ?? 60) * 1000;
  for (;;) {
    if (state.exited !== null) {
      await stop();
      throw new ServiceFailed(
        `the service ${state.exited} before it became healthy; its output is in ${options.logPath}`,
      );
    }
    if (await healthy(healthUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ServiceFailed(
        `the service did not answer ${healthUrl} with 2xx within ${local.healthTimeoutSeconds ?? 60} s; its output is in ${options.logPath}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    pid,
    logPath: options.logPath,
    get exited() {
      return state.exited;
    },
    stop,
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await answer.arrayBuffer();
    return answer.status >= 200 && answer.status < 300;
  } catch {
    return false;
  }
}
