import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OiStore } from '../../src/store/oi-store.ts';
import { migrate } from '../../src/store/migrations.ts';
import { PaperStore, type NewPosition } from '../../src/store/paper-store.ts';
import { istWallClock } from '../../src/util/ist.ts';

let dbPath: string;
let store: OiStore;
let paper: PaperStore;

const at = (date: string, time: string) => istWallClock(date, time);

function position(extra: Partial<NewPosition> = {}): NewPosition {
  return {
    chainId: 'NSE',
    owner: 'telegram:1001',
    token: 1001 * 256 + 2,
    symbol: 'NIFTY26D0125600CE',
    strike: 25600,
    type: 'CE',
    side: 'BUY',
    qty: 75,
    entryPaise: 10_000,
    entryTime: at('2026-11-25', '10:00'),
    targetPaise: 2500,
    stopPaise: 2500,
    ...extra,
  };
}

function reopen(): void {
  store.close();
  store = OiStore.open(dbPath);
  paper = store.paperStore();
}

beforeEach(() => {
  dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-paper-store-')), 'oi.db');
  store = OiStore.open(dbPath);
  paper = store.paperStore();
});
afterEach(() => store.close());

describe('ids', () => {
  it('are per chain, never reused and continue after a reopen', () => {
    expect(paper.openPosition(position())).toBe('NSE_P0001');
    expect(paper.openPosition(position({ chainId: 'BSE' }))).toBe('BSE_P0001');
    const second = paper.openPosition(position());
    paper.closePosition(second, {
      exitPaise: 10_500,
      exitTime: at('2026-11-25', '10:05'),
      exitReason: 'Manual Exit',
      realizedPaise: 37_500,
    });
    reopen();
    expect(paper.openPosition(position())).toBe('NSE_P0003');
    expect(paper.openPosition(position({ chainId: 'BSE' }))).toBe('BSE_P0002');
    expect(paper.loadOpen().map((p) => p.id)).toEqual(['BSE_P0001', 'BSE_P0002', 'NSE_P0001', 'NSE_P0003']);
  });

  it('a failed insert rolls back its id as well', () => {
    expect(() => paper.openPosition(position({ type: 'XX' as 'CE' }))).toThrow(/CHECK constraint/);
    expect(() => paper.openPosition(position({ entryPaise: 100.5 }))).toThrow(
      /entryPaise must be a whole number/,
    );
    expect(paper.openPosition(position())).toBe('NSE_P0001');
  });
});

describe('closing', () => {
  it('is all or none, and a position closes once', () => {
    const a = paper.openPosition(position());
    const b = paper.openPosition(position());
    const exit = {
      exitPaise: 9000,
      exitTime: at('2026-11-25', '11:00'),
      exitReason: 'Stop Loss (-10)',
      realizedPaise: -75_000,
    };
    expect(() =>
      paper.closePositions([
        { id: a, ...exit },
        { id: 'NSE_P0099', ...exit },
      ]),
    ).toThrow(/NSE_P0099 is not open/);
    expect(paper.loadOpen().map((p) => p.id)).toEqual([a, b]);
    paper.closePosition(a, exit);
    expect(() => paper.closePosition(a, exit)).toThrow(/NSE_P0001 is not open/);
    expect(paper.loadOpen().map((p) => p.id)).toEqual([b]);
    reopen();
    expect(paper.closedBetween(0, Number.MAX_SAFE_INTEGER)).toEqual([
      expect.objectContaining({
        id: a,
        exitPaise: 9000,
        exitReason: 'Stop Loss (-10)',
        realizedPaise: -75_000,
      }),
    ]);
  });
});

describe('realized P&L', () => {
  it('by IST day (the day turns at 18:30 UTC), owner and chain; totals with filters', () => {
    const close = (id: string, time: number, paise: number) =>
      paper.closePosition(id, {
        exitPaise: 1,
        exitTime: time,
        exitReason: 'Manual Exit',
        realizedPaise: paise,
      });
    close(paper.openPosition(position()), at('2026-11-24', '23:59'), 1000);
    close(paper.openPosition(position()), at('2026-11-25', '00:00'), 2000);
    close(paper.openPosition(position()), at('2026-11-25', '15:20'), -500);
    close(paper.openPosition(position({ chainId: 'BSE' })), at('2026-11-25', '09:30'), 700);
    close(paper.openPosition(position({ owner: 'discord:7' })), at('2026-11-25', '09:30'), 300);

    expect(paper.realizedByDay({ owner: 'telegram:1001' })).toEqual([
      { day: '2026-11-24', owner: 'telegram:1001', chainId: 'NSE', paise: 1000 },
      { day: '2026-11-25', owner: 'telegram:1001', chainId: 'BSE', paise: 700 },
      { day: '2026-11-25', owner: 'telegram:1001', chainId: 'NSE', paise: 1500 },
    ]);
    const today = at('2026-11-25', '00:00');
    expect(paper.realizedByDay({ sinceMs: today, chainId: 'NSE' })).toEqual([
      { day: '2026-11-25', owner: 'discord:7', chainId: 'NSE', paise: 300 },
      { day: '2026-11-25', owner: 'telegram:1001', chainId: 'NSE', paise: 1500 },
    ]);
    expect(paper.realizedTotal()).toBe(3500);
    expect(paper.realizedTotal({ owner: 'telegram:1001', chainId: 'NSE' })).toBe(2500);
    expect(
      paper.realizedTotal({
        owner: 'telegram:1001',
        chainId: 'NSE',
        sinceMs: today,
        untilMs: today + 86_400_000,
      }),
    ).toBe(1500);
    expect(paper.realizedTotal({ owner: 'nobody' })).toBe(0);
    expect(
      paper.closedBetween(today, today + 86_400_000, { owner: 'telegram:1001' }).map((p) => p.chainId),
    ).toEqual(['NSE', 'BSE', 'NSE']);
  });
});

describe('durability', () => {
  it('each paper write commits with synchronous=FULL, then the connection goes back to its own level', () => {
    const db = new Database(dbPath.replace(/oi\.db$/, 'raw.db'));
    try {
      migrate(db, 'raw.db');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const raw = new PaperStore(db);
      const pragmas: string[] = [];
      const original = db.pragma.bind(db);
      db.pragma = ((source: string, options?: Database.PragmaOptions) => {
        pragmas.push(source);
        return original(source, options);
      }) as typeof db.pragma;
      const id = raw.openPosition(position());
      raw.closePosition(id, { exitPaise: 1, exitTime: 1, exitReason: 'Manual Exit', realizedPaise: 0 });
      expect(pragmas).toEqual([
        'synchronous = FULL',
        'synchronous = 1',
        'synchronous = FULL',
        'synchronous = 1',
      ]);
      expect(original('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });
});
