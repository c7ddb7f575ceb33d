/**
 * /iv against a recorded morning: the smile of the published snapshot, the ATM IV through the day as
 * the stored cycles published it, and the text's now / at the open / change; rendered once per snapshot.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandCore } from '../../src/commands/command-core.ts';
import { atmIvOf, atmIvThroughDay, atmIvValue } from '../../src/commands/iv-reply.ts';
import { ChainHistory } from '../../src/history/chain-history.ts';
import { RenderOnce } from '../../src/render/render-once.ts';
import type { ChainSnapshot } from '../../src/tracker/types.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { recordDay, type RecordedDay } from '../support/recorded-day.ts';
import { pngSize } from '../render/png-pixels.ts';

const DATE = '2026-11-25';
const VIEWER = { owner: 'telegram:1001', isPrivate: true } as never;
const ARTIFACTS = 'out/test-artifacts';

let day: RecordedDay;
let history: ChainHistory;
let latest: ChainSnapshot;

const coreWith = (overrides: Parameters<typeof fakeCommandContext>[0] = {}) =>
  new CommandCore(
    fakeCommandContext({
      access: 'telegram:1001=viewer',
      history,
      snapshot: async () => ({ snapshot: latest, dataAgeS: 2 }),
      ...overrides,
    }),
  );

beforeAll(async () => {
  day = await recordDay(DATE, '09:15', '10:30');
  history = new ChainHistory({
    cycles: day.store.cycles(),
    now: () => day.end,
    retentionDays: 30,
    windows: [5, 10, 15, 30],
  });
  latest = day.published.get('NSE')!.at(-1)!;
}, 60_000);
afterAll(() => day.store.close());

describe('/iv', () => {
  it('reads the ATM call and put IV of every stored cycle of the day, as the cycles published them', () => {
    const { date, points } = atmIvThroughDay(history, 'NSE', latest);
    expect(date).toBe(DATE);
    const published = day.published.get('NSE')!;
    expect(points.map((point) => point.time)).toEqual(published.map((snapshot) => snapshot.lastUpdate));
    expect(points).toEqual(published.map(atmIvOf));
    expect(points.filter((point) => point.callIv !== null && point.putIv !== null).length).toBeGreaterThan(
      points.length / 2,
    );
  });

  it('answers the smile and the day as a PNG, with ATM IV now, at the open and the change', async () => {
    const reply = await coreWith().handle('/iv NSE', VIEWER);
    expect(reply.error).toBeUndefined();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(`${ARTIFACTS}/iv-NSE.png`, reply.image!.png);
    expect(pngSize(reply.image!.png)).toEqual({ width: 2400, height: 2480 });
    expect(reply.image!.filename).toBe('iv-NSE.png');
    const now = atmIvOf(latest);
    const open = day.published
      .get('NSE')!
      .map(atmIvOf)
      .find((point) => atmIvValue(point) !== null)!;
    const change = atmIvValue(now)! - atmIvValue(open)!;
    expect(reply.text).toContain(
      `NSE ATM IV now ${atmIvValue(now)!.toFixed(2)}% at ${latest.atmStrike} ` +
        `(call ${now.callIv!.toFixed(2)}%, put ${now.putIv!.toFixed(2)}%, `,
    );
    expect(reply.text).toContain(`at the open ${atmIvValue(open)!.toFixed(2)}% at ${open.atm} (09:15 IST)`);
    expect(reply.text).toContain(`change ${change >= 0 ? '+' : ''}${change.toFixed(2)} pts`);
    expect(reply.buttons).toEqual([[{ label: 'Refresh', command: '/iv NSE' }]]);
  });

  it('is rendered once per snapshot; a bad argument gets the usage line', async () => {
    let renders = 0;
    const core = coreWith({ renders: new RenderOnce({ onRender: () => renders++ }) });
    const replies = await Promise.all(Array.from({ length: 5 }, () => core.handle('/iv', VIEWER)));
    expect(renders).toBe(1);
    for (const reply of replies) expect(reply.image!.png).toBe(replies[0]!.image!.png);
    const bad = await core.handle('/iv NSE tomorrow', VIEWER);
    expect(bad.error).toBe(true);
    expect(bad.text).toBe('Unexpected "tomorrow". Usage: /iv [chain] [next|exp=YYYY-MM-DD] (e.g. /iv NSE)');
  });

  it('without stored cycles, the day is the current snapshot alone', async () => {
    const reply = await coreWith({ history: undefined }).handle('/iv NSE', VIEWER);
    expect(reply.error).toBeUndefined();
    expect(atmIvThroughDay(undefined, 'NSE', latest).points).toEqual([atmIvOf(latest)]);
    expect(reply.text).toContain(`at the open ${atmIvValue(atmIvOf(latest))!.toFixed(2)}%`);
    expect(reply.text).toContain('change +0.00 pts');
  });
});
