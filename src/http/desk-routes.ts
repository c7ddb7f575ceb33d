import { findChain } from '../chain-specs.ts';
import type { ChainSpec } from '../tracker/types.ts';
import { formatIstIso, istMidnight } from '../util/ist.ts';
import type { ApiAnswer, ApiRoute } from './api-server.ts';
import { round2 } from './chain-json.ts';

/** What the desk's own routes read, supplied by the daemon. */
export interface DeskSource {
  chains(): readonly ChainSpec[];
  /** The chain's PCR at each stored cycle at or after `sinceMs` (epoch ms), ascending. */
  pcrHistory(chainId: string, sinceMs: number): readonly { time: number; pcr: number | null }[];
  /** Units per lot of the chain's options, or null before its instruments are known. */
  lotSize(chainId: string): number | null;
  now(): number;
  orders: {
    /** DEFAULT_QTY in units, when set. */
    defaultQty?: number;
    maxQtyLots: number;
    autoExitPoints: number;
    webOwner: string;
  };
}

function resolveChain(source: DeskSource, name: string): ChainSpec | ApiAnswer {
  const spec = findChain(source.chains(), decodeURIComponent(name));
  if (spec) return spec;
  const known = source.chains().map((chain) => chain.id);
  return { status: 404, body: { error: `unknown chain "${name}"; tracked chains: ${known.join(', ')}` } };
}

/** Today's (IST) PCR at each stored cycle: `{ exchange, points: [{ time, pcr }] }`. */
function pcrAnswer(source: DeskSource, name: string): ApiAnswer {
  const spec = resolveChain(source, name);
  if ('status' in spec) return spec;
  const points = source
    .pcrHistory(spec.id, istMidnight(source.now()))
    .filter((point) => point.pcr !== null)
    .map((point) => ({ time: formatIstIso(point.time), pcr: round2(point.pcr) }));
  return { status: 200, body: { exchange: spec.id, points } };
}

/** DEFAULT_QTY in whole lots when it is a multiple of the lot size; one lot otherwise. */
function defaultLots(defaultQty: number | undefined, lotSize: number | null): number {
  if (defaultQty === undefined || !lotSize || defaultQty % lotSize !== 0) return 1;
  return defaultQty / lotSize;
}

/**
 * What an order ticket starts from: lots, target and stop, the largest order, lot sizes, the page's book;
 * and which optional charts the daemon can feed.
 */
function defaultsAnswer(source: DeskSource, routeExists: (path: string) => boolean): ApiAnswer {
  const { orders } = source;
  const chains = Object.fromEntries(
    source.chains().map((spec) => {
      const lotSize = source.lotSize(spec.id);
      return [spec.id, { lot_size: lotSize, default_lots: defaultLots(orders.defaultQty, lotSize) }];
    }),
  );
  return {
    status: 200,
    body: {
      web_owner: orders.webOwner,
      max_qty_lots: orders.maxQtyLots,
      tp_points: orders.autoExitPoints,
      sl_points: orders.autoExitPoints,
      chains,
      charts: { straddle: routeExists(`/api/straddle/${source.chains()[0]?.id ?? 'NSE'}`) },
    },
  };
}

/** GET /api/pcr/:chain and GET /api/defaults; `routeExists(path)` says whether a GET route serves `path`. */
export function deskRoutes(source: DeskSource, routeExists: (path: string) => boolean): ApiRoute[] {
  return [
    {
      method: 'GET',
      match: (path) => path.match(/^\/api\/pcr\/([^/]+)$/)?.slice(1) ?? null,
      handle: ({ params: [name = ''] }) => pcrAnswer(source, name),
    },
    {
      method: 'GET',
      match: (path) => (path === '/api/defaults' ? [] : null),
      handle: () => defaultsAnswer(source, routeExists),
    },
  ];
}
