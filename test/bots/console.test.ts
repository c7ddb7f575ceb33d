import { describe, expect, it } from 'vitest';
import { spawnConsoleDaemon } from '../support/daemon-process.ts';

describe('the console front-end', () => {
  it('runs piped commands in order, answers each, and stops cleanly at the end of input', async () => {
    const { daemon } = await spawnConsoleDaemon('oi-console-');
    const { child } = daemon;
    const stdout = () => daemon.stdout();
    const atm = stdout().match(/ATM (\d+)/)![1]!;
    child.stdin.end(`buy NSE ${atm} PE 150 tp=40\n/positions\n/buy NSE ${atm}CE 80\n/frobnicate\n`);
    const { code } = await daemon.exited;

    expect(code).toBe(0);
    const output = stdout();
    const answers = output.trim().split('\n');
    expect(answers[0]).toMatch(/^NSE · NIFTY 50 \d+\.\d{2} · ATM \d+ · PCR \d+\.\d{2} .* · Live · /);
    expect(output).toMatch(new RegExp(`NSE_P0001: BUY 150 NIFTY\\w+${atm}PE at \\d+\\.\\d{2} · target`));
    expect(output).toMatch(new RegExp(`NSE_P0001 BUY 150 NIFTY\\w+${atm}PE @ `));
    expect(output).toMatch(/quantity 80 is not a whole number of lots: the lot size of NIFTY\w+ is 75/);
    expect(answers.at(-1)).toBe('Unknown command /frobnicate. Send /help for the list.');
    expect(output).not.toMatch(/"level":/); // logs go to stderr
  }, 90_000);
});
