import type { PositionJson } from '../paper/position.ts';
import type { ChainSnapshot, OiPoint } from '../tracker/types.ts';
import type { SummaryInput } from './alert-messages.ts';

const TOP_MOVERS = 5;

/** The end-of-day figures: each book's realized P&L and open MTM, and the biggest OI changes since the open. */
export function summaryInput(deps: {
  realizedToday: { owner: string; chainId: string; paise: number }[];
  openPositions: PositionJson[];
  chains: { snapshot: ChainSnapshot | null; observations: Map<number, OiPoint[]> }[];
}): SummaryInput {
  const books = new Map<string, SummaryInput['books'][number]>();
  const book = (owner: string, chain: string) => {
    const key = `${owner}\u0000${chain}`;
    let entry = books.get(key);
    if (!entry) books.set(key, (entry = { owner, chain, realized: 0, mtm: 0 }));
    return entry;
  };
  for (const row of deps.realizedToday) book(row.owner, row.chainId).realized += row.paise / 100;
  for (const position of deps.openPositions) book(position.owner, position.exchange).mtm += position.mtm;

  const movers: SummaryInput['movers'] = [];
  for (const { snapshot, observations } of deps.chains) {
    if (!snapshot) continue;
    for (const row of [...snapshot.calls, ...snapshot.puts]) {
      const points = observations.get(row.token);
      const first = points?.[0];
      const last = points?.[points.length - 1];
      if (!first || !last || first.oi <= 0) continue;
      movers.push({
        chain: snapshot.chainId,
        strike: row.strike,
        type: row.type,
        changePct: ((last.oi - first.oi) / first.oi) * 100,
        oi: last.oi,
      });
    }
  }
  movers.sort((a, b) => Math.abs(b.changePct) - Math.abs(a.changePct));
  return {
    books: [...books.values()].map((entry) => ({
      ...entry,
      realized: Math.round(entry.realized * 100) / 100,
      mtm: Math.round(entry.mtm * 100) / 100,
    })),
    movers: movers.slice(0, TOP_MOVERS),
  };
}
