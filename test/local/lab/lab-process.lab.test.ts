// `npm run lab` killed by its PID leaves no process of the lab behind and frees its ports.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

// The lab starts PGlite and the SQS emulator (several seconds each), twice.
jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '..', '..', '..');

interface RunningLab {
  npm: ChildProcess;
  ports: number[];
  /** Every process under npm once the lab is up: the lab's node process, the SQS emulator, esbuild's service. */
  descendants: Array<{ pid: number; command: string }>;
  exited: Promise<void>;
}

function descendantsOf(root: number): Array<{ pid: number; command: string }> {
  const table = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), command: match[3] }));
  const found: Array<{ pid: number; command: string }> = [];
  const walk = (pid: number) => {
    for (const child of table.filter((row) => row.ppid === pid)) {
      found.push({ pid: child.pid, command: child.command });
      walk(child.pid);
    }
  };
  walk(root);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startLab(): Promise<RunningLab> {
  const npm = spawn('npm', ['run', 'lab', '--', '--port', '0', '--control-port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  let output = '';
  const ports = await new Promise<number[]>((resolve, reject) => {
    npm.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const shop = /Chaos Shop\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      const control = /Control API\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (shop && control) resolve([Number(shop[1]), Number(control[1])]);
    });
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`the lab exited before it was up:\n${output}`)));
  });
  return { npm, ports, descendants: descendantsOf(npm.pid!), exited };
}

/** Waits until `condition` holds, polling; false if it still does not after `attempts` polls. */
async function eventually(condition: () => boolean | Promise<boolean>, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i += 1) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return condition();
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Every process that ran under npm is gone, and the shop's and the control API's ports can be listened on. */
async function expectNothingLeft(running: RunningLab): Promise<void> {
  expect(await eventually(() => running.descendants.every((p) => !alive(p.pid)))).toBe(true);
  for (const port of running.ports) expect(await portIsFree(port)).toBe(true);
}

let lab: RunningLab | undefined;

afterEach(() => {
  // Whatever a failed test left running is ended by its own pid.
  for (const { pid } of lab?.descendants ?? []) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (lab?.npm.pid && alive(lab.npm.pid)) process.kill(lab.npm.pid, 'SIGKILL');
  lab = undefined;
});

describe('npm run lab, killed by its PID', () => {
  it('stops the lab and the SQS emulator on SIGTERM, and frees the ports', async () => {
    // Given a running lab, its processes under npm
    lab = await startLab();
    expect(lab.descendants.map((p) => p.command)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('local/lab/bin.ts'),
        expect.stringContaining('sqs-emulator-process.mjs'),
      ]),
    );
    // When npm's PID gets SIGTERM
    process.kill(lab.npm.pid!, 'SIGTERM');
    await lab.exited;
    // Then no process of the lab is left and its ports can be listened on
    await expectNothingLeft(lab);
  });

  it("takes the SQS emulator down with the lab's node process when that is SIGKILLed", async () => {
    // Given a running lab
    lab = await startLab();
    const node = lab.descendants.find((p) => p.command.includes('local/lab/bin.ts') && p.command.includes('node'));
    expect(node).toBeDefined();
    // When the lab's node process is killed outright
    process.kill(node!.pid, 'SIGKILL');
    await lab.exited;
    // Then the emulator (and every other child) goes too, and the ports are free
    await expectNothingLeft(lab);
  });

  it('stops when npm itself is SIGKILLed and no signal reaches the lab', async () => {
    // Given a running lab
    lab = await startLab();
    // When npm is killed outright (the lab is left with a new parent)
    process.kill(lab.npm.pid!, 'SIGKILL');
    await lab.exited;
    // Then the lab sees its parent gone and stops everything
    await expectNothingLeft(lab);
  });
});
