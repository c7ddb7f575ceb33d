/**
 * A hand-made paper book for the statistics tests: 23 closed trades of telegram:1001 over the last
 * 30 IST days to 2026-11-25 (NSE, 75 a lot; BSE, 20 a lot), every exit reason, wins, losses and one
 * break-even; plus what the window must leave out. Stored through the real PaperStore in a real file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OiStore } from '../../src/store/oi-store.ts';
import { istWallClock } from '../../src/util/ist.ts';

export const OWNER = 'telegram:1001';
/** "Now" of the tests: 16:00 IST on Wednesday 2026-11-25. */
export const NOW = istWallClock('2026-11-25', '16:00');

interface HandTrade {
  day: string;
  time: string;
  chain: 'NSE' | 'BSE';
  reason: string;
  side: 'BUY' | 'SELL';
  qty: number;
  entry: number;
  exit: number;
  owner?: string;
}

const NSE = { strike: 25_600, token: 1001 * 256 + 2, symbol: 'NIFTY26D0125600CE' };
const BSE = { strike: 84_000, token: 2001 * 256 + 4, symbol: 'SENSEX26D0384000CE' };

/**
 * The book, in exit order. Realized = (exit − entry) × qty for a BUY, (entry − exit) × qty for a SELL.
 * #  day    chain reason            side qty  entry   exit     realized   running P&L
 */
export const TRADES: readonly HandTrade[] = [
  // 1  10-27 NSE  Target Hit (+25)  BUY   75  100.00  125.00  +1875.00   1875.00
  t('2026-10-27', '10:05', 'NSE', 'Target Hit (+25)', 'BUY', 75, 100, 125),
  // 2  10-27 NSE  Stop Loss (-25)   BUY   75  120.00   95.00  -1875.00      0.00
  t('2026-10-27', '11:20', 'NSE', 'Stop Loss (-25)', 'BUY', 75, 120, 95),
  // 3  10-28 BSE  Target Hit (+25)  SELL  20  300.00  275.00   +500.00    500.00
  t('2026-10-28', '09:40', 'BSE', 'Target Hit (+25)', 'SELL', 20, 300, 275),
  // 4  10-28 BSE  Square-off        BUY   20  250.00  243.50   -130.00    370.00
  t('2026-10-28', '15:20', 'BSE', 'Square-off', 'BUY', 20, 250, 243.5),
  // 5  10-30 NSE  Manual Exit       BUY   75   80.00   88.60   +645.00   1015.00
  t('2026-10-30', '10:10', 'NSE', 'Manual Exit', 'BUY', 75, 80, 88.6),
  // 6  11-02 NSE  Stop Loss (-25)   SELL  75  150.00  175.00  -1875.00   -860.00
  t('2026-11-02', '13:00', 'NSE', 'Stop Loss (-25)', 'SELL', 75, 150, 175),
  // 7  11-02 NSE  Stop Loss (-25)   BUY   75  140.00  115.00  -1875.00  -2735.00
  t('2026-11-02', '14:45', 'NSE', 'Stop Loss (-25)', 'BUY', 75, 140, 115),
  // 8  11-03 BSE  Stop Loss (-25)   BUY   20  400.00  375.00   -500.00  -3235.00  ← the trough
  t('2026-11-03', '10:30', 'BSE', 'Stop Loss (-25)', 'BUY', 20, 400, 375),
  // 9  11-04 NSE  Target Hit (+25)  BUY   75   90.00  115.00  +1875.00  -1360.00
  t('2026-11-04', '11:00', 'NSE', 'Target Hit (+25)', 'BUY', 75, 90, 115),
  // 10 11-05 NSE  Square-off        BUY   75  110.00  110.00      0.00  -1360.00  (break-even)
  t('2026-11-05', '15:20', 'NSE', 'Square-off', 'BUY', 75, 110, 110),
  // 11 11-06 BSE  Manual Exit       SELL  20  310.00  320.75   -215.00  -1575.00
  t('2026-11-06', '09:50', 'BSE', 'Manual Exit', 'SELL', 20, 310, 320.75),
  // 12 11-09 NSE  Target Hit (+25)  SELL  75  130.00  105.00  +1875.00    300.00
  t('2026-11-09', '10:00', 'NSE', 'Target Hit (+25)', 'SELL', 75, 130, 105),
  // 13 11-10 NSE  Manual Exit       BUY   75  100.00   94.00   -450.00   -150.00
  t('2026-11-10', '12:15', 'NSE', 'Manual Exit', 'BUY', 75, 100, 94),
  // 14 11-11 BSE  Square-off        SELL  20  280.00  264.50   +310.00    160.00
  t('2026-11-11', '15:20', 'BSE', 'Square-off', 'SELL', 20, 280, 264.5),
  // 15 11-12 NSE  Target Hit (+40)  BUY   75  100.00  140.00  +3000.00   3160.00  (the best)
  t('2026-11-12', '10:40', 'NSE', 'Target Hit (+40)', 'BUY', 75, 100, 140),
  // 16 11-13 BSE  Target Hit (+25)  BUY   20  350.00  375.00   +500.00   3660.00
  t('2026-11-13', '11:30', 'BSE', 'Target Hit (+25)', 'BUY', 20, 350, 375),
  // 17 11-16 NSE  Stop Loss (-15)   BUY  150  120.00  105.00  -2250.00   1410.00  (the worst)
  t('2026-11-16', '14:00', 'NSE', 'Stop Loss (-15)', 'BUY', 150, 120, 105),
  // 18 11-18 NSE  Square-off        SELL  75   90.00  100.20   -765.00    645.00
  t('2026-11-18', '15:20', 'NSE', 'Square-off', 'SELL', 75, 90, 100.2),
  // 19 11-20 BSE  Stop Loss (-25)   SELL  20  300.00  325.00   -500.00    145.00
  t('2026-11-20', '10:20', 'BSE', 'Stop Loss (-25)', 'SELL', 20, 300, 325),
  // 20 11-23 NSE  Manual Exit       BUY   75  100.00  117.10  +1282.50   1427.50
  t('2026-11-23', '11:10', 'NSE', 'Manual Exit', 'BUY', 75, 100, 117.1),
  // 21 11-24 BSE  Manual Exit       BUY   20  200.00  204.80    +96.00   1523.50
  t('2026-11-24', '13:30', 'BSE', 'Manual Exit', 'BUY', 20, 200, 204.8),
  // 22 11-25 NSE  Target Hit (+25)  BUY   75  100.00  125.00  +1875.00   3398.50
  t('2026-11-25', '09:55', 'NSE', 'Target Hit (+25)', 'BUY', 75, 100, 125),
  // 23 11-25 BSE  Stop Loss (-25)   BUY   20  300.00  275.00   -500.00   2898.50
  t('2026-11-25', '10:45', 'BSE', 'Stop Loss (-25)', 'BUY', 20, 300, 275),
];

/** Outside telegram:1001's last 30 days: a day too early, another book, and a position still open. */
export const LEFT_OUT: readonly HandTrade[] = [
  t('2026-10-26', '15:00', 'NSE', 'Target Hit (+25)', 'BUY', 75, 100, 125),
  { ...t('2026-11-25', '11:00', 'NSE', 'Stop Loss (-25)', 'BUY', 75, 100, 75), owner: 'telegram:2002' },
];

function t(
  day: string,
  time: string,
  chain: 'NSE' | 'BSE',
  reason: string,
  side: 'BUY' | 'SELL',
  qty: number,
  entry: number,
  exit: number,
): HandTrade {
  return { day, time, chain, reason, side, qty, entry, exit };
}

const paise = (rupees: number) => Math.round(rupees * 100);

/** A real database file holding the book (ids NSE_P0001…, BSE_P0001… in the order above). */
export function storeWithBook(): { store: OiStore; dbPath: string } {
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-stats-')), 'oi.db');
  const store = OiStore.open(dbPath);
  const paper = store.paperStore();
  for (const trade of [...TRADES, ...LEFT_OUT]) {
    const option = trade.chain === 'NSE' ? NSE : BSE;
    const exitTime = istWallClock(trade.day, trade.time);
    const id = paper.openPosition({
      chainId: trade.chain,
      owner: trade.owner ?? OWNER,
      ...option,
      type: 'CE',
      side: trade.side,
      qty: trade.qty,
      entryPaise: paise(trade.entry),
      entryTime: exitTime - 20 * 60_000,
      targetPaise: 2500,
      stopPaise: 2500,
    });
    const points = trade.side === 'BUY' ? trade.exit - trade.entry : trade.entry - trade.exit;
    paper.closePosition(id, {
      exitPaise: paise(trade.exit),
      exitTime,
      exitReason: trade.reason,
      realizedPaise: paise(points * trade.qty),
    });
  }
  paper.openPosition({
    chainId: 'NSE',
    owner: OWNER,
    ...NSE,
    type: 'CE',
    side: 'BUY',
    qty: 75,
    entryPaise: 10_000,
    entryTime: NOW - 60_000,
    targetPaise: 2500,
    stopPaise: 2500,
  });
  return { store, dbPath };
}

/**
 * The figures worked out by hand from the table above (rupees, rounded to 2 decimals).
 * All 23: wins #1 3 5 9 12 14 15 16 20 21 22 = 13833.50 gross; losses #2 4 6 7 8 11 13 17 18 19 23 =
 * −10935.00 gross; #10 break-even. Peak 1875.00 after #1, trough −3235.00 after #8: drawdown 5110.00.
 */
export const EXPECTED = {
  trades: 23,
  wins: 11,
  losses: 11,
  break_even: 1,
  win_rate: 47.83, // 11 / 23
  average_win: 1257.59, // 13833.50 / 11
  average_loss: -994.09, // −10935.00 / 11
  profit_factor: 1.27, // 13833.50 / 10935.00 = 1.2651
  expectancy: 126.02, // 2898.50 / 23
  net: 2898.5,
  best: 3000,
  best_id: 'NSE_P0010',
  worst: -2250,
  worst_id: 'NSE_P0011',
  max_drawdown: 5110,
};

export const EXPECTED_BY_CHAIN = {
  // BSE #3 4 8 11 14 16 19 21 23: wins 500+310+500+96 = 1406; losses −130−500−215−500−500 = −1845.
  // Running: 500, 370, −130, −345, −35, 465, −35, 61, −439: peak 500, low −439 → drawdown 939.
  BSE: {
    trades: 9,
    wins: 4,
    losses: 5,
    break_even: 0,
    win_rate: 44.44,
    average_win: 351.5,
    average_loss: -369,
    profit_factor: 0.76,
    expectancy: -48.78,
    net: -439,
    best: 500,
    best_id: 'BSE_P0001',
    worst: -500,
    worst_id: 'BSE_P0003',
    max_drawdown: 939,
  },
  // NSE: wins 1875×4 + 645 + 3000 + 1282.50 = 12427.50; losses −1875×3 −450 −2250 −765 = −9090; #10 break-even.
  // Running: 1875, 0, 645, −1230, −3105 (peak 1875 → drawdown 4980), … ends 3337.50.
  NSE: {
    trades: 14,
    wins: 7,
    losses: 6,
    break_even: 1,
    win_rate: 50,
    average_win: 1775.36,
    average_loss: -1515,
    profit_factor: 1.37,
    expectancy: 238.39,
    net: 3337.5,
    best: 3000,
    best_id: 'NSE_P0010',
    worst: -2250,
    worst_id: 'NSE_P0011',
    max_drawdown: 4980,
  },
};

export const EXPECTED_BY_REASON = {
  // #1 3 9 12 15 16 22: 1875×4 + 500×2 + 3000 = 11500, no losses.
  'Target Hit': {
    trades: 7,
    wins: 7,
    losses: 0,
    break_even: 0,
    win_rate: 100,
    average_win: 1642.86,
    average_loss: null,
    profit_factor: null,
    expectancy: 1642.86,
    net: 11500,
    best: 3000,
    worst: 500,
    max_drawdown: 0,
  },
  // #2 6 7 8 17 19 23: −1875×3 −500×3 −2250 = −9375, no wins.
  'Stop Loss': {
    trades: 7,
    wins: 0,
    losses: 7,
    break_even: 0,
    win_rate: 0,
    average_win: null,
    average_loss: -1339.29,
    profit_factor: 0,
    expectancy: -1339.29,
    net: -9375,
    best: -500,
    worst: -2250,
    max_drawdown: 9375,
  },
  // #5 11 13 20 21: +645 −215 −450 +1282.50 +96 = 1358.50; running 645, 430, −20 (drawdown 665), …
  'Manual Exit': {
    trades: 5,
    wins: 3,
    losses: 2,
    break_even: 0,
    win_rate: 60,
    average_win: 674.5,
    average_loss: -332.5,
    profit_factor: 3.04,
    expectancy: 271.7,
    net: 1358.5,
    best: 1282.5,
    worst: -450,
    max_drawdown: 665,
  },
  // #4 10 14 18: −130 + 0 + 310 − 765 = −585; running −130, −130, 180, −585: drawdown 765 from 180.
  'Square-off': {
    trades: 4,
    wins: 1,
    losses: 2,
    break_even: 1,
    win_rate: 25,
    average_win: 310,
    average_loss: -447.5,
    profit_factor: 0.35,
    expectancy: -146.25,
    net: -585,
    best: 310,
    worst: -765,
    max_drawdown: 765,
  },
};

/** `days=7`: 2026-11-19 to 11-25, trades #19–23: +1282.50 +96 +1875 = 3253.50, −500 −500 = −1000. */
export const EXPECTED_7_DAYS = {
  trades: 5,
  wins: 3,
  losses: 2,
  break_even: 0,
  win_rate: 60,
  average_win: 1084.5,
  average_loss: -500,
  profit_factor: 3.25,
  expectancy: 450.7,
  net: 2253.5,
  best: 1875,
  worst: -500,
  max_drawdown: 500,
};
