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
