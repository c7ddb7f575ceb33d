/**
 * Child process of paper-kill.test.ts: opens and closes paper positions as fast as it can and
 * prints each one only after the book returned it (that is, after the commit), until it is killed.
 * Positions on TOKEN_CLOSED are closed by the next tick; those on TOKEN_KEPT stay open.
 */
import { writeSync } from 'node:fs';
import type { Tick } from '../../src/kite/types.ts';
import { PaperBook } from '../../src/paper/paper-book.ts';
import { OiStore } from '../../src/store/oi-store.ts';

const TOKEN_CLOSED = 11;
const TOKEN_KEPT = 12;

const dbPath = process.argv[2];
if (!dbPath) throw new Error('usage: kill-writer.ts <db path>');
const store = OiStore.open(dbPath);
const book = new PaperBook({ store: store.paperStore(), maxPriceAgeMs: 60_000 });
book.load();
book.on('position_closed', (event) => writeSync(1, `closed ${event.position_id} ${event.realized_pnl}\n`));

const instrument = (token: number) => ({
  token,
  symbol: `OPT${token}CE`,
  strike: 25_000,
  type: 'CE' as const,
  lotSize: 75,
});
const open = (token: number) => {
  const position = book.placeOrder({
    owner: 'console',
    chainId: 'NSE',
    instrument: instrument(token),
    side: 'BUY',
    tp: 1,
    sl: 1,
    price: { ltp: 100, at: Date.now() },
    feedUp: true,
  });
  writeSync(1, `opened ${position.id}\n`);
};
const crossing: Tick = { mode: 'ltp', tradable: true, instrumentToken: TOKEN_CLOSED, lastPrice: 101.5 };
for (;;) {
  open(TOKEN_CLOSED);
  open(TOKEN_KEPT);
  book.onTicks([crossing]);
}
