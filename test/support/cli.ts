import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../src/sources/pack-files.js';

/** Running the built `steward` command as an operator would, for CLI tests. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child `steward`: this process's, without the test runner's own settings and
 * the `unset` keys, then `set` on top.
 */
export function cliEnv(set: Record<string, string>, unset: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['NODE_OPTIONS', 'NODE_TEST_CONTEXT', ...unset]) delete env[key];
  return Object.assign(env, set);
}

/** Runs `bin/steward.js ARGS`; `input` goes to its stdin; with `timeoutMs` a hung child is killed. */
export function runSteward(args: string[], env: NodeJS.ProcessEnv, options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/steward.js', ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export const showCli = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
