import { renderChainTable } from '../render/chain-table-png.ts';
import { chainTextTable } from '../render/chain-text-table.ts';
import { renderOiChart, renderPcrChart } from '../render/chart-images.ts';
import { formatPrice } from '../render/oi-format.ts';
import { RenderOnce, snapshotIdentity } from '../render/render-once.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import { formatIstIso } from '../util/ist.ts';
import type { Reply } from './reply.ts';

const hhmm = (ms: number) => formatIstIso(ms).slice(11, 16);

/**
 * Replies that show market data: a PNG with a short caption, and the same data as a text table. Each
 * PNG is rendered once per snapshot (its `lastUpdate` and status) and reused while that snapshot
 * stands; what changes per request (the data's age) is in the caption, not the picture.
 */
export class MarketReplies {
  constructor(
    private readonly windows: readonly number[],
    readonly renders: RenderOnce = new RenderOnce(),
  ) {}

  /** /chain: the option-chain table. */
  async chain(chainId: string, snapshot: ChainSnapshot, dataAgeS: number | null): Promise<Reply> {
    const figures =
      `${snapshot.underlying} ${formatPrice(snapshot.underlyingPrice)} · ATM ${snapshot.atmStrike ?? 'N/A'}` +
      ` · PCR ${formatPrice(snapshot.pcr)} · max pain ${snapshot.maxPain ?? 'N/A'} · expiry ${snapshot.expiry ?? 'N/A'}`;
    const time = formatIstIso(snapshot.lastUpdate).slice(11, 19);
    const caption =
      snapshot.status === 'History'
        ? `${chainId} · as of ${time} IST · history · ${formatIstIso(snapshot.lastUpdate).slice(0, 10)} · ${figures}`
        : `${chainId} · ${figures} · ${snapshot.status} · ${time} IST` +
          (dataAgeS === null ? '' : ` · data ${dataAgeS.toFixed(1)} s old`);
    const table = chainTextTable(snapshot, this.windows);
    return {
      text: caption,
      table,
      image: {
        png: await this.renders.get(
          { kind: 'chain', chainId, identity: snapshotIdentity(snapshot, this.windows) },
          () => renderChainTable(snapshot, { windows: this.windows }),
        ),
        alt: `${chainId} option chain around ${snapshot.atmStrike ?? 'ATM'}`,
        filename: `chain-${chainId}.png`,
      },
    };
  }

  /** /oi: call vs put OI by strike, with the longest window's change. */
  async oi(chainId: string, snapshot: ChainSnapshot): Promise<Reply> {
    return {
      text: `${chainId} OI by strike, with the ${Math.max(...this.windows)}-minute change · ${snapshot.status}`,
      table: chainTextTable(snapshot, this.windows),
      image: {
        png: await this.renders.get(
          { kind: 'oi', chainId, identity: snapshotIdentity(snapshot, this.windows) },
          () => renderOiChart(snapshot, { windows: this.windows }),
        ),
        alt: `${chainId} call and put OI by strike`,
        filename: `oi-${chainId}.png`,
      },
    };
  }

  /** /pcr: today's PCR through the day. */
  async pcr(chainId: string, points: readonly { time: number; pcr: number }[]): Promise<Reply> {
    if (points.length === 0) return { text: `${chainId} has no PCR history today yet.` };
    const values = points.map((point) => point.pcr);
    const first = points[0]!;
    const last = points.at(-1)!;
    return {
      text:
        `${chainId} PCR today: ${first.pcr.toFixed(2)} at ${hhmm(first.time)} → ${last.pcr.toFixed(2)} at ` +
        `${hhmm(last.time)} IST (low ${Math.min(...values).toFixed(2)}, high ${Math.max(...values).toFixed(2)})`,
      image: {
        png: await this.renders.get(
          { kind: 'pcr', chainId, identity: `${points.length}|${last.time}|${last.pcr}` },
          () => renderPcrChart(chainId, points),
        ),
        alt: `${chainId} PCR through the day`,
        filename: `pcr-${chainId}.png`,
      },
    };
  }
}
