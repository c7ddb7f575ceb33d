import { findChain } from '../chain-specs.ts';
import { UserError } from '../errors.ts';
import type { ChainTracker, TradableOption } from './chain-tracker.ts';

export interface OptionRequest {
  chain: string;
  /** A tradingsymbol (`NIFTY26D0125600CE`), or strike and type. */
  symbol?: string;
  strike?: number;
  type?: string;
}

/** Finds an option in a tracked chain's subscribed window, or says exactly what was wrong. */
export function resolveTradableOption(
  trackers: readonly ChainTracker[],
  request: OptionRequest,
): { tracker: ChainTracker; option: TradableOption } {
  const tracker = trackers.find((candidate) => findChain([candidate.spec], request.chain ?? ''));
  if (!tracker) {
    const known = trackers.flatMap((candidate) => [candidate.spec.id, ...candidate.spec.aliases]).join(', ');
    throw new UserError(`unknown chain "${request.chain ?? ''}"; use one of ${known}`);
  }
  const options = tracker.tradableOptions();
  const strikes = [...new Set(options.map((option) => option.strike))].sort((a, b) => a - b);
  const range = strikes.length > 0 ? `${strikes[0]}–${strikes.at(-1)}` : 'none yet (the chain is starting)';
  if (request.symbol !== undefined && request.symbol !== '') {
    const wanted = request.symbol.trim().toUpperCase();
    const option = options.find((candidate) => candidate.symbol === wanted);
    if (!option) {
      throw new UserError(
        `${wanted} is not in the ${tracker.spec.id} window; tradable strikes are ${range}, CE or PE`,
      );
    }
    return { tracker, option };
  }
  const type = String(request.type ?? '').toUpperCase();
  if (type !== 'CE' && type !== 'PE') {
    throw new UserError(`option type "${request.type ?? ''}" is not CE or PE`);
  }
  const option = options.find((candidate) => candidate.strike === request.strike && candidate.type === type);
  if (!option) {
    throw new UserError(
      `strike ${request.strike ?? '(none)'} is outside the ${tracker.spec.id} window; tradable strikes are ${range} (step ${tracker.spec.strikeStep})`,
    );
  }
  return { tracker, option };
}
