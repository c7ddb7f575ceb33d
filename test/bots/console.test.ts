import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('the console front-end', () => {
  it('runs piped commands in order, answers each, and stops cleanly at the end of input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oi-console-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--console'], {
      cwd: root,
      env: {
        ...process.env,
        MARKET_DATA: 'sim',
        DB_PATH: path.join(dir, 'oi.db'),
        HTTP_PORT: '0',
        OUT_DIR: dir,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.write('/chain nse\n');
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('\n') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const atm = stdout.match(/ATM (\d+)/)![1]!;
    child.stdin.end(`buy NSE ${atm} PE 150 tp=40\n/positions\n/buy NSE ${atm}CE 80\n/frobnicate\n`);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(0);
    const answers = stdout.trim().split('\n');
    expect(answers[0]).toMatch(/^NSE · NIFTY 50 \d+\.\d{2} · ATM \d+ · PCR \d+\.\d{2} .* · Live · /);
    expect(stdout).toMatch(new RegExp(`NSE_P0001: BUY 150 NIFTY\\w+${atm}PE at \\d+\\.\\d{2} · target`));
    expect(stdout).toMatch(new RegExp(`NSE_P0001 BUY 150 NIFTY\\w+${atm}PE @ `));
    expect(stdout).toMatch(/quantity 80 is not a whole number of lots: the lot size of NIFTY\w+ is 75/);
    expect(answers.at(-1)).toBe('Unknown command /frobnicate. Send /help for the list.');
    expect(stdout).not.toMatch(/"level":/); // logs go to stderr
  }, 90_000);
});
