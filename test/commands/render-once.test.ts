/**
 * PNG replies are rendered once per published snapshot: fifty concurrent /chain NSE through a real
 * command core share one render, and every reply shows that snapshot's table (checked in its pixels).
 */
import { describe, expect, it } from 'vitest';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';
import { MetricsRegistry } from '../../src/http/metrics.ts';
import { chainTableLayout, findCell, toPixels } from '../../src/render/chain-table-png.ts';
import { chainTextTable } from '../../src/render/chain-text-table.ts';
import { PALETTE } from '../../src/render/colors.ts';
import { RenderOnce } from '../../src/render/render-once.ts';
import type { ChainSnapshot, OptionRow } from '../../src/tracker/types.ts';
import { ATM, BREACH, SNAPSHOT, WINDOWS } from '../render/chain-fixture.ts';
import { decode, inset, share } from '../render/png-pixels.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';

const CONSOLE = { owner: 'console' };

/** The next cycle: 30 s later, ATM one strike up, the breach moved to the 25400 put's 5-minute change. */
function nextCycle(snapshot: ChainSnapshot): ChainSnapshot {
  const atm = ATM + 50;
  const moved = (row: OptionRow): OptionRow => {
    const itm = row.type === 'CE' ? row.strike < atm : row.strike > atm;
    const breach = row.type === 'PE' && row.strike === 25_400;
    return {
      ...row,
      ltp: row.ltp === null ? null : row.ltp + 1,
      moneyness: row.strike === atm ? 'ATM' : itm ? 'ITM' : 'OTM',
      breaches: breach ? ['5'] : [],
    };
  };
  return {
    ...snapshot,
    lastUpdate: snapshot.lastUpdate + 30_000,
    atmStrike: atm,
    underlyingPrice: 25_661.1,
    calls: snapshot.calls.map(moved),
    puts: snapshot.puts.map(moved),
  };
}

/** A core over a chain whose published snapshot the test sets; each request gets its own data age. */
function coreOver(first: ChainSnapshot) {
  const metrics = new MetricsRegistry();
  const renders = new RenderOnce({
    onRender: (key) => metrics.chainPngRenders.inc({ chain: key.chainId, kind: key.kind }),
  });
  const replies = new MarketReplies(WINDOWS, renders);
  let published = first;
  let requests = 0;
  const core = new CommandCore(
    fakeCommandContext({
      snapshot: async () => ({ snapshot: published, dataAgeS: 1 + 0.1 * requests++ }),
      chainReply: (chainId, snapshot, age) => replies.chain(chainId, snapshot, age),
      oiReply: (chainId, snapshot) => replies.oi(chainId, snapshot),
      renders,
    }),
  );
  const renderCount = async (kind = 'chain') => {
    const metric = await metrics.chainPngRenders.get();
    return metric.values.find((v) => v.labels.chain === 'NSE' && v.labels.kind === kind)?.value ?? 0;
  };
  return {
    core,
    renderCount,
    publish: (snapshot: ChainSnapshot) => void (published = snapshot),
    metricsText: () => metrics.registry.metrics(),
  };
}

/** What the PNG shows, read off its pixels: the cyan (ATM) row's strike and every boxed (breach) cell. */
async function tableShown(reply: Reply, snapshot: ChainSnapshot) {
  const layout = chainTableLayout(snapshot, WINDOWS);
  const pixels = await decode(reply.image!.png);
  const atmRows = layout.rows
    .filter((row) => share(pixels(inset(toPixels(row), 6)), PALETTE.atm) > 0.6)
    .map((row) => row.strike);
  const boxed: string[] = [];
  for (const row of layout.rows)
    for (const cell of row.cells) {
      const rect = toPixels(findCell(layout, row.strike, cell.column.side, cell.column.key)!);
      const edge = { x: rect.x + 8, y: rect.y + 2, width: rect.width - 16, height: 2 };
      if (share(pixels(edge), PALETTE.breach, 30) > 0.9)
        boxed.push(`${row.strike} ${cell.column.side} ${cell.column.key}`);
    }
  return { atmRows, boxed };
}

describe('PNG replies rendered once per published snapshot', () => {
  it('fifty concurrent /chain NSE render one table; every reply carries it, with its own caption', async () => {
    const { core, renderCount, metricsText } = coreOver(SNAPSHOT);
    const replies = await Promise.all(Array.from({ length: 50 }, () => core.handle('/chain NSE', CONSOLE)));
    expect(await renderCount()).toBe(1);
    expect(await metricsText()).toMatch(/oi_tracker_chain_png_renders_total\{chain="NSE",kind="chain"\} 1/);
    const png = replies[0]!.image!.png;
    for (const reply of replies) {
      expect(reply.image!.png).toBe(png);
      expect(reply.table).toBe(chainTextTable(SNAPSHOT, WINDOWS));
    }
    // The data's age differs per request and is in the caption, not the (shared) picture.
    const ages = new Set(replies.map((reply) => /data ([\d.]+) s old/.exec(reply.text)?.[1]));
    expect(ages.size).toBeGreaterThan(1);
    expect(await tableShown(replies[0]!, SNAPSHOT)).toEqual({
      atmRows: [ATM],
      boxed: [`${BREACH.strike} ${BREACH.side} ${BREACH.window}`],
    });
  });

  it('a new cycle renders again, once, and shows its own table', async () => {
    const { core, renderCount, publish } = coreOver(SNAPSHOT);
    const before = await core.handle('/chain NSE', CONSOLE);
    const next = nextCycle(SNAPSHOT);
    publish(next);
    const after = await Promise.all(Array.from({ length: 10 }, () => core.handle('/chain NSE', CONSOLE)));
    expect(await renderCount()).toBe(2);
    expect(after[0]!.image!.png).not.toBe(before.image!.png);
    for (const reply of after) expect(reply.image!.png).toBe(after[0]!.image!.png);
    expect(after[0]!.text).toContain('25661.10');
    expect(after[0]!.table).toBe(chainTextTable(next, WINDOWS));
    expect(await tableShown(after[0]!, next)).toEqual({ atmRows: [ATM + 50], boxed: ['25400 PE 5'] });
  });

  it('/oi and /greeks are rendered once per snapshot too', async () => {
    const { core, renderCount, publish } = coreOver(SNAPSHOT);
    const oi = await Promise.all(Array.from({ length: 5 }, () => core.handle('/oi NSE', CONSOLE)));
    const greeks = await Promise.all(Array.from({ length: 5 }, () => core.handle('/greeks NSE', CONSOLE)));
    expect(await renderCount('oi')).toBe(1);
    expect(await renderCount('greeks')).toBe(1);
    for (const reply of oi) expect(reply.image!.png).toBe(oi[0]!.image!.png);
    for (const reply of greeks) expect(reply.image!.png).toBe(greeks[0]!.image!.png);
    publish(nextCycle(SNAPSHOT));
    await core.handle('/greeks NSE', CONSOLE);
    expect(await renderCount('greeks')).toBe(2);
  });
});

describe('RenderOnce', () => {
  const key = (identity: string) => ({ kind: 'chain', chainId: 'NSE', identity });

  it('shares the render in flight, and forgets one that failed', async () => {
    let renders = 0;
    const once = new RenderOnce({ onRender: () => renders++ });
    let fail = true;
    const render = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (fail) throw new Error('canvas broke');
      return Buffer.from('png');
    };
    const failed = await Promise.allSettled([once.get(key('a'), render), once.get(key('a'), render)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(renders).toBe(1);
    fail = false;
    const [first, second] = await Promise.all([once.get(key('a'), render), once.get(key('a'), render)]);
    expect(renders).toBe(2);
    expect(first).toBe(second);
  });

  it('keeps at most `capacity` renderings, dropping the least recently used', async () => {
    let renders = 0;
    const once = new RenderOnce({ capacity: 2, onRender: () => renders++ });
    const render = () => Buffer.from('png');
    await once.get(key('a'), render);
    await once.get(key('b'), render);
    await once.get(key('a'), render); // a is now the most recent
    await once.get(key('c'), render); // drops b
    expect(once.size).toBe(2);
    await once.get(key('a'), render);
    expect(renders).toBe(3);
    await once.get(key('b'), render);
    expect(renders).toBe(4);
  });
});
