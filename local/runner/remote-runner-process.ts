// A GameDay runner in a process of its own: one local run against the lab of the process that started it.
import { connectLab } from '../lab/remote-lab';
import type { FromRunner, RunnerJob } from './remote-runner';
import { runLocalGameDay } from './runner';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function post(message: FromRunner): Promise<void> {
  return new Promise((resolve) => {
    // The parent may be gone already: nobody is left to tell then.
    if (!process.connected) return resolve();
    process.send?.(message, undefined, {}, () => resolve());
  });
}

async function run(job: RunnerJob): Promise<void> {
  const lab = connectLab(job.lab);
  let state = '';
  try {
    const result = await runLocalGameDay({
      lab,
      input: job.input as Record<string, unknown>,
      executionName: job.executionName,
      onProgress: (progress) => {
        if (progress.state === state) return;
        state = progress.state;
        void post({ type: 'state', state });
      },
    });
    await post({ type: 'result', result });
  } catch (error) {
    await post({ type: 'error', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  } finally {
    await lab.stop();
  }
  process.exit(0);
}

process.once('message', (job: RunnerJob) => void run(job));
// The process that started this one owns its lab: without it there is nothing to run against.
process.on('disconnect', () => process.exit(1));
