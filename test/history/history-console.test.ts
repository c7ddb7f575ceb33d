import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnConsoleDaemon } from '../support/daemon-process.ts';

describe('history commands on the console', () => {
  it('answers the stored cycles as history, writes the PNGs, and refuses an instant before the first cycle', async () => {
    const { daemon, dir } = await spawnConsoleDaemon('oi-history-console-');
    const { child } = daemon;
    const [hours, minutes] = daemon
      .stdout()
      .match(/ · (\d\d):(\d\d):\d\d IST/)!
      .slice(1)
      .map(Number);
    // A minute before the answered cycle's: the daemon (and its fresh database) had not started yet.
    const before = (hours! * 60 + minutes! + 1439) % 1440;
    const beforeText = `${String(Math.floor(before / 60)).padStart(2, '0')}:${String(before % 60).padStart(2, '0')}`;
    child.stdin.end(`/chain nse -0m\n/heatmap nse\n/straddle nse\n/diff nse ${beforeText}\n`);
    const { code } = await daemon.exited;
    expect(code).toBe(0);
    const answers = daemon.stdout().trim().split('\n');
    expect(answers.find((line) => line.startsWith('NSE · as of '))).toMatch(
      /^NSE · as of \d\d:\d\d:\d\d IST · history · /,
    );
    expect(answers.some((line) => line.startsWith('NSE OI heatmap '))).toBe(true);
    expect(answers.some((line) => line.startsWith('NSE ATM straddle '))).toBe(true);
    expect(answers.at(-1)).toMatch(
      new RegExp(
        `^NSE has no stored cycle on \\d{4}-\\d\\d-\\d\\d at or before ${beforeText} IST; the first stored minute that day is \\d\\d:\\d\\d IST$`,
      ),
    );
    const pngs = readdirSync(dir).filter((file) => file.endsWith('.png'));
    expect(pngs.some((file) => file.endsWith('heatmap-NSE.png'))).toBe(true);
    expect(pngs.some((file) => file.endsWith('straddle-NSE.png'))).toBe(true);
    expect(existsSync(path.join(dir, 'oi.db'))).toBe(true);
  }, 90_000);
});
