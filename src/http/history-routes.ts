/** The stored history over HTTP: /api/diff, /api/heatmap and /api/straddle, and /api/data/<chain>?at=. */
import { findChain } from '../chain-specs.ts';
import type { ChainHistory } from '../history/chain-history.ts';
import { HistoryError } from '../history/instant.ts';
import { parseExpiryChoice, type ExpiryChoice } from '../tracker/expiry-choice.ts';
import type { ChainSpec } from '../tracker/types.ts';
import type { ApiAnswer, ApiRoute } from './api-server.ts';
import { chainJson } from './chain-json.ts';

/** `?expiry=` as a choice, or a 400 saying what is accepted. */
export function expiryChoice(text: string): ExpiryChoice {
  const choice = parseExpiryChoice(text);
  if (!choice) throw new HistoryError(`expiry "${text}" is not one; use next or YYYY-MM-DD`, 400);
  return choice;
}

const under = (prefix: string) => (path: string) =>
  path.startsWith(prefix) && path.length > prefix.length ? [path.slice(prefix.length)] : null;

/** The answer of `build`, or the history's refusal as 400/404 with its one line. */
function answer(build: () => unknown): ApiAnswer {
  try {
    return { status: 200, body: build() };
  } catch (error) {
    if (error instanceof HistoryError) return { status: error.status, body: { error: error.message } };
    throw error;
  }
}

export function historyRoutes(
  history: ChainHistory,
  chains: () => readonly ChainSpec[],
  windows: readonly number[],
): { routes: ApiRoute[]; pastChainJson(chainId: string, at: string, expiry?: string): ApiAnswer } {
  const chainOf = (name: string): ChainSpec => {
    const spec = findChain(chains(), decodeURIComponent(name));
    if (spec) return spec;
    const known = chains().map((chain) => chain.id);
    throw new HistoryError(`unknown chain "${name}"; tracked chains: ${known.join(', ')}`, 404);
  };
  const required = (query: URLSearchParams, name: string, example: string): string => {
    const value = query.get(name);
    if (value === null || value.trim() === '')
      throw new HistoryError(`"${name}" is missing; e.g. ${example}`, 400);
    return value;
  };
  const optional = (query: URLSearchParams, name: string) => query.get(name) ?? undefined;
  const route = (prefix: string, build: (spec: ChainSpec, query: URLSearchParams) => unknown): ApiRoute => ({
    method: 'GET',
    match: under(prefix),
    handle: ({ params: [name = ''], query }) => answer(() => build(chainOf(name), query)),
  });
  return {
    routes: [
      route('/api/diff/', (spec, query) =>
        history.diff(spec.id, required(query, 'from', 'from=10:30&to=11:15'), optional(query, 'to'), true),
      ),
      route('/api/heatmap/', (spec, query) =>
        history.heatmap(spec.id, optional(query, 'window'), optional(query, 'date')),
      ),
      route('/api/straddle/', (spec, query) => history.straddle(spec.id, optional(query, 'date'))),
    ],
    pastChainJson: (chainId, at, expiry) =>
      answer(() => {
        const past = history.chainAt(
          chainId,
          at,
          true,
          expiry === undefined ? undefined : expiryChoice(expiry),
        );
        return chainJson({ ...past.snapshot, status: 'History' }, windows, null);
      }),
  };
}
