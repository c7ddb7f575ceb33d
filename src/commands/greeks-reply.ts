import { renderGreeksTable } from '../render/greeks-table-png.ts';
import { atmGreeks, greeksTextTable } from '../render/greeks-table.ts';
import { formatIstTime, formatPrice } from '../render/oi-format.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import type { Reply } from './reply.ts';

const rupees = (value: number): string =>
  value.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `ATM straddle theta -134.08/day per unit, -10,056.00/day per lot of 75`, or why it is unknown. */
function straddleThetaText(theta: number | null, lotSize: number | null): string {
  if (theta === null) return 'ATM straddle theta N/A (no IV at ATM)';
  const perLot = lotSize ? `, ${rupees(theta * lotSize)}/day per lot of ${lotSize}` : '';
  return `ATM straddle theta ${rupees(theta)}/day per unit${perLot}`;
}

/**
 * /greeks: the table PNG (IV and the four Greeks per strike and side) and the ATM summary as text;
 * `png` is the table already rendered for this snapshot, when the caller keeps one.
 */
export function greeksReply(
  chainId: string,
  snapshot: ChainSnapshot,
  lotSize: number | null,
  png: Buffer = renderGreeksTable(snapshot),
): Reply {
  const atm = atmGreeks(snapshot);
  const atmIv = atm?.iv ?? null;
  const text =
    `${chainId} Greeks · ${snapshot.underlying} ${formatPrice(snapshot.underlyingPrice)} · ` +
    `expiry ${snapshot.expiry ?? 'N/A'} · ATM ${atm?.strike ?? 'N/A'} · ` +
    `ATM IV ${atmIv === null ? 'N/A' : `${atmIv.toFixed(2)}%`} · ` +
    `${straddleThetaText(atm?.straddleTheta ?? null, lotSize)} · ` +
    `${snapshot.status} · ${formatIstTime(snapshot.lastUpdate)} IST`;
  return {
    text,
    table: greeksTextTable(snapshot),
    image: {
      png,
      alt: `${chainId} delta, gamma, theta and vega by strike, calls left and puts right`,
      filename: `greeks-${chainId}.png`,
    },
  };
}
