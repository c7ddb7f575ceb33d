/**
 * /api/diff, /api/heatmap and /api/straddle (through ChainHistory) and the chat commands against a
 * recorded morning: every number equals what the cycles published live.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';
import { ChainHistory } from '../../src/history/chain-history.ts';
import { round2 } from '../../src/http/chain-json.ts';
import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';
import { formatIstIso, istWallClock } from '../../src/util/ist.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { recordDay, type RecordedDay } from '../support/recorded-day.ts';

const DATE = '2026-11-25';
const ARTIFACTS = 'out/test-artifacts';
const VIEWER = 'telegram:1001';

let day: RecordedDay;
let history: ChainHistory;
let core: CommandCore;

/** The published snapshot of the latest cycle at or before `instant`. */
const publishedAt = (chain: string, instant: number): ChainSnapshot =>
  day.published
    .get(chain)!
    .filter((snapshot) => snapshot.lastUpdate <= instant)
    .at(-1)!;
const rowAt = (rows: readonly OptionRow[], strike: number) => rows.find((row) => row.strike === strike);
const ask = (text: string): Promise<Reply> => core.handle(text, { owner: VIEWER, isPrivate: true } as never);
const keep = (name: string, reply: Reply) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(`${ARTIFACTS}/${name}`, reply.image!.png);
};

beforeAll(async () => {
  day = await recordDay(DATE, '09:15', '11:30');
  history = new ChainHistory({
    cycles: day.store.cycles(),
    now: () => day.end,
    retentionDays: 30,
    windows: [5, 10, 15, 30],
  });
  core = new CommandCore(
    fakeCommandContext({
      access: `${VIEWER}=viewer`,
      history,
      chainReply: (chainId, snapshot, age) =>
        new MarketReplies([5, 10, 15, 30]).chain(chainId, snapshot, age),
      now: () => day.end,
    }),
  );
}, 60_000);
afterAll(() => day.store.close());

describe('the stored history, answered', () => {
  it('diff: OI and LTP at both instants as the cycles published them, change and change % per side', () => {
    const diff = history.diff('NSE', `${DATE} 10:00`, `${DATE} 10:45`, true);
    const from = publishedAt('NSE', istWallClock(DATE, '10:00'));
    const to = publishedAt('NSE', istWallClock(DATE, '10:45'));
    expect(diff.from).toBe(formatIstIso(from.lastUpdate));
    expect(diff.to).toBe(formatIstIso(to.lastUpdate));
    expect([diff.underlying_price_from, diff.underlying_price_to]).toEqual([
      from.underlyingPrice,
      to.underlyingPrice,
    ]);
    expect([diff.atm_from, diff.atm_to]).toEqual([from.atmStrike, to.atmStrike]);
    expect([diff.pcr_from, diff.pcr_to]).toEqual([round2(from.pcr), round2(to.pcr)]);
    expect(diff.rows.map((row) => row.strike)).toEqual(to.calls.map((row) => row.strike));
    let compared = 0;
    for (const row of diff.rows) {
      const before = rowAt(from.calls, row.strike);
      const after = rowAt(to.calls, row.strike)!;
      expect(row.ce.oi_to).toBe(after.oi);
      expect(row.ce.ltp_to).toBe(after.ltp);
      if (!before) continue;
      compared++;
      expect(row.ce.oi_from).toBe(before.oi);
      expect(row.ce.ltp_from).toBe(before.ltp);
      expect(row.ce.change).toBe(after.oi! - before.oi!);
      expect(row.ce.change_pct).toBe(Math.round(((after.oi! - before.oi!) / before.oi!) * 10_000) / 100);
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('heatmap: a column per 5 minutes from 09:15, each the latest cycle at or before its end', () => {
    const heatmap = history.heatmap('NSE', '15', DATE);
    // The first cycle at 09:15 had no option ticks yet (Starting): the first column is 09:20.
    expect(day.published.get('NSE')![0]!.lastUpdate).toBeGreaterThan(istWallClock(DATE, '09:15'));
    expect(heatmap.columns[0]).toBe(`${DATE}T09:20:00+05:30`);
    expect(heatmap.columns[1]).toBe(`${DATE}T09:25:00+05:30`);
    expect(heatmap.columns.at(-1)).toBe(`${DATE}T11:30:00+05:30`);
    expect(heatmap.columns).toHaveLength(27);
    heatmap.columns.forEach((column, j) => {
      const snapshot = publishedAt('NSE', Date.parse(column));
      expect(heatmap.atm[j]).toBe(snapshot.atmStrike);
      heatmap.strikes.forEach((strike, i) => {
        const call = rowAt(snapshot.calls, strike);
        const put = rowAt(snapshot.puts, strike);
        expect(heatmap.ce[i]![j]).toBe(round2(call?.oiChangePct['15'] ?? null));
        expect(heatmap.pe[i]![j]).toBe(round2(put?.oiChangePct['15'] ?? null));
        expect(heatmap.breaches.ce[i]![j]).toBe(call?.breaches.includes('15') ?? false);
      });
    });
    expect(heatmap.ce.flat().filter((value) => value !== null).length).toBeGreaterThan(100);
  });

  it('straddle: the ATM call and put LTP of every cycle, their sum and its running average', () => {
    const straddle = history.straddle('BSE', DATE);
    const snapshots = day.published.get('BSE')!;
    expect(straddle.entries).toHaveLength(snapshots.length);
    let sum = 0;
    straddle.entries.forEach((entry, k) => {
      const snapshot = snapshots[k]!;
      const ce = rowAt(snapshot.calls, snapshot.atmStrike!)!.ltp!;
      const pe = rowAt(snapshot.puts, snapshot.atmStrike!)!.ltp!;
      sum += round2(ce + pe)!;
      expect(entry).toEqual({
        time: formatIstIso(snapshot.lastUpdate),
        atm: snapshot.atmStrike,
        ce_ltp: ce,
        pe_ltp: pe,
        straddle: round2(ce + pe),
        average: round2(sum / (k + 1)),
        underlying_price: snapshot.underlyingPrice,
      });
    });
  });

  it('/chain NSE <instant>: that cycle, headed as history, with 5-minute steps', async () => {
    const reply = await ask(`/chain NSE ${DATE} 10:30`);
    const snapshot = publishedAt('NSE', istWallClock(DATE, '10:30'));
    expect(reply.text).toMatch(/^NSE · as of 10:30:00 IST · history · 2026-11-25 · NIFTY 50 /);
    expect(reply.text).toContain(`ATM ${snapshot.atmStrike}`);
    expect(reply.buttons).toEqual([
      [
        { label: '◀ 5m', command: `/chain NSE ${DATE} 10:25` },
        { label: '5m ▶', command: `/chain NSE ${DATE} 10:35` },
        { label: 'Live', command: '/chain NSE' },
      ],
    ]);
    keep('history-chain-NSE.png', reply);
    const relative = await ask('/chain BSE -15m');
    expect(relative.text).toMatch(/^BSE · as of 11:20:00 IST · history/);
  });

  it('/diff, /heatmap and /straddle answer PNGs with the text a trader reads first', async () => {
    const diff = await ask(`/diff NSE ${DATE} 10:00 ${DATE} 10:45`);
    const json = history.diff('NSE', `${DATE} 10:00`, `${DATE} 10:45`, false);
    const topCalls = [...json.rows]
      .filter((row) => (row.ce.change ?? 0) > 0)
      .sort((a, b) => b.ce.change! - a.ce.change!)
      .slice(0, 3)
      .map((row) => String(row.strike));
    expect(diff.text).toMatch(/^NSE OI change 10:00 → 10:45 IST · price /);
    const callsLine = diff.text.split('\n').find((line) => line.startsWith('Calls added most:'))!;
    expect(callsLine.match(/\d{5}(?= \+)/g)).toEqual(topCalls);
    keep('diff-NSE.png', diff);
    const heatmap = await ask(`/heatmap NSE 30 ${DATE}`);
    expect(heatmap.text).toMatch(
      /^NSE OI heatmap 2026-11-25: \d+ strikes × 27 columns \(09:20–11:30 IST\), % change over 30 min/,
    );
    keep('heatmap-NSE.png', heatmap);
    const straddle = await ask(`/straddle BSE ${DATE}`);
    expect(straddle.text).toMatch(
      /^BSE ATM straddle 2026-11-25: now \d+\.\d\d at 11:30 \(ATM \d+\) · open \d+\.\d\d at 09:15/,
    );
    keep('straddle-BSE.png', straddle);
    for (const reply of [diff, heatmap, straddle])
      expect(reply.image!.png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('bad instants, windows, dates and chains get one clear line and nothing else', async () => {
    const refusals: [string, RegExp][] = [
      [
        '/chain NSE 25:99',
        /^"25:99" is not an instant; use HH:MM \(today, IST\), YYYY-MM-DD HH:MM \(IST\) or -15m \/ -2h$/,
      ],
      ['/chain NSE 11:50', /^2026-11-25T11:50:00\+05:30 is in the future \(now is 2026-11-25 11:35 IST\)$/],
      ['/chain NSE 2026-09-01 10:00', /is older than RETENTION_DAYS \(30 days\)/],
      [
        '/chain NSE 09:00',
        /^NSE has no stored cycle on 2026-11-25 at or before 09:00 IST; the first stored minute that day is 09:15 IST$/,
      ],
      ['/diff NSE', /^From when\? Usage: \/diff/],
      ['/diff NSE 10:45 10:00', /^"from" \(2026-11-25T10:45:00\+05:30\) must be before "to"/],
      ['/diff XYZ 10:00', /^Unknown chain "XYZ"; use one of NSE, NIFTY, BSE, SENSEX/],
      ['/heatmap NSE 7', /^"7" is not an OI window; use one of 5m, 10m, 15m, 30m$/],
      ['/heatmap NSE 2026-11-24', /^NSE has no stored cycles on 2026-11-24$/],
      ['/straddle NSE 2026-13-01', /^"2026-13-01" is not a date; use YYYY-MM-DD/],
      ['/straddle NSE 2026-11-26', /^2026-11-26 is in the future \(today is 2026-11-25\)$/],
    ];
    for (const [text, expected] of refusals) {
      const reply = await ask(text);
      expect({ text, reply: reply.text, error: reply.error, image: reply.image }).toEqual({
        text,
        reply: expect.stringMatching(expected),
        error: true,
        image: undefined,
      });
    }
  });
});
