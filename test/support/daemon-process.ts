/**
 * The daemon as a process of its own (`node --import tsx src/main.ts`), for tests that signal it,
 * kill it or pipe its console: started with the env given on top of a quiet default (the built-in
 * simulator, API on a free port, no chat adapters), its output kept, its exit awaited.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from './wait-for.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Output kept (the tail), enough for every ready line and an error's stack. */
const OUTPUT_KEPT_CHARS = 200_000;
const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"JSON API listening"/;

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonProcessOptions {
  /** Settings on top of the defaults (MARKET_DATA=sim, HTTP_PORT=0, LOG_LEVEL=info, no chat tokens). */
  env?: Record<string, string>;
  /** Arguments after `src/main.ts`, e.g. `--console`. */
  args?: string[];
}

export interface DaemonProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout and stderr so far (the tail). */
  output(): string;
  /** Only stdout. */
  stdout(): string;
  readonly exited: Promise<DaemonExit>;
  /** Waits until the output matches `pattern` (its match), or throws (also when the process exits first). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Waits for "JSON API listening" and resolves with the API's URL. */
  listening(timeoutMs?: number): Promise<string>;
  /** Sends `signal` (SIGTERM by default); SIGKILL if still running after `graceMs`; resolves on exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<DaemonExit>;
}

/** Spawns the daemon; does not wait for anything. */
export function spawnDaemon(options: DaemonProcessOptions = {}): DaemonProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...(options.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      MARKET_DATA: 'sim',
      // The simulator follows the wall clock and ticks at any hour; its open interest stands still from
      // 06:00 to 09:15 and after 15:30 IST, so a test that needs OI to move sets SIM_SESSION=replay.
      SIM_SESSION: 'live',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: '',
      DISCORD_BOT_TOKEN: '',
      NTFY_URL: '',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  });
  child.stderr.on(
    'data',
    (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS)),
  );
  let exit: DaemonExit | null = null;
  const exited = new Promise<DaemonExit>((resolve) =>
    child.once('exit', (code, signal) => resolve((exit = { code, signal }))),
  );
  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000) =>
    waitFor(
      () => {
        const match = output.match(pattern);
        if (match) return match;
        if (exit)
          throw new Error(`the daemon exited (${exit.code ?? exit.signal}) before ${pattern}:\n${output}`);
        return null;
      },
      { timeoutMs, what: `${pattern} in the daemon's output`, intervalMs: 20 },
    ).catch((error: unknown) => {
      if (!exit) child.kill('SIGKILL');
      throw error;
    });
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    exited,
    waitForOutput,
    listening: async (timeoutMs) => (await waitForOutput(LISTENING, timeoutMs))[1]!,
    stop: async (signal = 'SIGTERM', graceMs = 10_000) => {
      if (exit) return exit;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** Spawns the daemon and waits until its JSON API listens; `apiUrl` is its URL. */
export async function startDaemonProcess(
  options: DaemonProcessOptions = {},
  timeoutMs = 30_000,
): Promise<DaemonProcess & { apiUrl: string }> {
  const daemon = spawnDaemon(options);
  return Object.assign(daemon, { apiUrl: await daemon.listening(timeoutMs) });
}

/**
 * Spawns `--console` with its database and PNGs in a new temp dir (named from `prefix`), writes
 * `/chain nse` and waits for its answer, the first line on stdout; stdin stays open for more.
 */
export async function spawnConsoleDaemon(prefix: string): Promise<{ daemon: DaemonProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const daemon = spawnDaemon({
    args: ['--console'],
    env: { DB_PATH: path.join(dir, 'oi.db'), OUT_DIR: dir },
  });
  daemon.child.stdin.write('/chain nse\n');
  await waitFor(() => daemon.stdout().includes('\n'), { timeoutMs: 60_000, what: 'the first answer' });
  return { daemon, dir };
}
