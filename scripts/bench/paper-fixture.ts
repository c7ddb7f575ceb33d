import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PaperBook } from '../../src/paper/paper-book.ts';
import { OiStore } from '../../src/store/oi-store.ts';

export const BENCH_TOKENS = Array.from({ length: 26 }, (_, i) => (50_000 + i) * 256 + 2);

/** A paper book on a throwaway database; `done()` removes it. */
export function benchBook(now: () => number): { book: PaperBook; done: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'oi-bench-paper-'));
  const store = OiStore.open(path.join(dir, 'oi.db'));
  const book = new PaperBook({
    store: store.paperStore(),
    now,
    maxQtyLots: 50,
    autoExitPoints: 25,
    maxPriceAgeMs: Number.MAX_SAFE_INTEGER,
  });
  return {
    book,
    done: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function instrumentOf(token: number) {
  return { token, symbol: `BENCH${token}CE`, strike: 25_000, type: 'CE' as const, lotSize: 75 };
}
