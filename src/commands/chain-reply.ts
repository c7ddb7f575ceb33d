import { formatIstIso } from '../util/ist.ts';
import type { ChainSnapshot } from '../tracker/types.ts';
import type { Reply } from './reply.ts';

const fixed = (value: number | null, digits = 2): string => (value === null ? 'N/A' : value.toFixed(digits));

/** The answer to /chain: a short caption with the chain's headline figures. */
export async function chainReply(
  chainId: string,
  snapshot: ChainSnapshot,
  dataAgeS: number | null,
): Promise<Reply> {
  const caption =
    `${chainId} · ${snapshot.underlying} ${fixed(snapshot.underlyingPrice)} · ATM ${snapshot.atmStrike ?? 'N/A'}` +
    ` · PCR ${fixed(snapshot.pcr)} · max pain ${snapshot.maxPain ?? 'N/A'} · expiry ${snapshot.expiry ?? 'N/A'}` +
    ` · ${snapshot.status} · ${formatIstIso(snapshot.lastUpdate).slice(11, 19)} IST` +
    (dataAgeS === null ? '' : ` · data ${dataAgeS.toFixed(1)} s old`);
  return { text: caption };
}

const lakhs = (oi: number | null): string =>
  oi === null ? 'N/A' : oi >= 100_000 ? `${(oi / 100_000).toFixed(2)}L` : `${(oi / 1000).toFixed(1)}K`;

/** The answer to /oi: call vs put OI by strike, with the 30-minute change. */
export async function oiReply(chainId: string, snapshot: ChainSnapshot): Promise<Reply> {
  const lines = snapshot.calls.map((call, i) => {
    const put = snapshot.puts[i];
    const change = (value: number | null | undefined) =>
      value === null || value === undefined ? 'N/A' : `${value > 0 ? '+' : ''}${value.toFixed(2)}%`;
    return `${lakhs(call.oi).padStart(8)} ${change(call.oiChangePct['30']).padStart(8)} | ${String(call.strike).padStart(6)} | ${change(put?.oiChangePct['30']).padStart(8)} ${lakhs(put?.oi ?? null).padStart(8)}`;
  });
  return {
    text: `${chainId} OI by strike (CE | strike | PE, with the 30-minute change) · ${snapshot.status}`,
    table: ['   CE OI   30M %  | STRIKE |   30M %    PE OI', ...lines].join('\n'),
  };
}

/** The answer to /pcr: today's PCR through the day. */
export async function pcrReply(
  chainId: string,
  points: readonly { time: number; pcr: number }[],
): Promise<Reply> {
  if (points.length === 0) return { text: `${chainId} has no PCR history today yet.` };
  const values = points.map((point) => point.pcr);
  const first = points[0]!;
  const last = points.at(-1)!;
  return {
    text:
      `${chainId} PCR today: ${first.pcr.toFixed(2)} at ${formatIstIso(first.time).slice(11, 16)} → ` +
      `${last.pcr.toFixed(2)} at ${formatIstIso(last.time).slice(11, 16)} IST ` +
      `(low ${Math.min(...values).toFixed(2)}, high ${Math.max(...values).toFixed(2)})`,
  };
}
