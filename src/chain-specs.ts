import type { ChainSpec } from './tracker/types.ts';

/** `id:index tradingsymbol:option name:options exchange:strike step`, one per chain, comma-separated. */
export const DEFAULT_CHAINS = 'NSE:NIFTY 50:NIFTY:NFO:50,BSE:SENSEX:SENSEX:BFO:100';
export const CHAINS_FORMAT =
  'comma-separated "id:index symbol:option name:options exchange:step" entries, e.g. ' +
  '"NSE:NIFTY 50:NIFTY:NFO:50,BANKNIFTY:NIFTY BANK:BANKNIFTY:NFO:100" (options exchange NFO or BFO)';

const INDEX_EXCHANGE: Record<string, string> = { NFO: 'NSE', BFO: 'BSE' };

/** Parses the CHAINS setting; returns null when any entry is malformed or ids/aliases clash. */
export function parseChainSpecs(text: string): ChainSpec[] | null {
  const specs: ChainSpec[] = [];
  const names = new Set<string>();
  for (const entry of text.split(',')) {
    const parts = entry.split(':').map((part) => part.trim());
    if (parts.length !== 5) return null;
    const [id, underlying, optionName, optionsExchange, step] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    const strikeStep = Number(step);
    const indexExchange = INDEX_EXCHANGE[optionsExchange.toUpperCase()];
    if (!/^[A-Za-z0-9_]+$/.test(id) || !underlying || !/^[A-Za-z0-9]+$/.test(optionName)) return null;
    if (!indexExchange || !(strikeStep > 0)) return null;
    const spec: ChainSpec = {
      id: id.toUpperCase(),
      aliases: optionName.toUpperCase() === id.toUpperCase() ? [] : [optionName.toUpperCase()],
      underlying,
      indexExchange,
      optionName: optionName.toUpperCase(),
      optionsExchange: optionsExchange.toUpperCase(),
      strikeStep,
    };
    for (const name of [spec.id, ...spec.aliases]) {
      if (names.has(name)) return null;
      names.add(name);
    }
    specs.push(spec);
  }
  return specs;
}

/** Finds a chain by id or alias, case-insensitively: `nifty` → NSE. */
export function findChain(specs: readonly ChainSpec[], name: string): ChainSpec | undefined {
  const wanted = name.trim().toUpperCase();
  return specs.find((spec) => spec.id === wanted || spec.aliases.includes(wanted));
}
