import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAINS, findChain, parseChainSpecs } from '../src/chain-specs.ts';

describe('CHAINS', () => {
  it('defaults to NIFTY 50 on NFO (step 50) and SENSEX on BFO (step 100), with aliases', () => {
    const specs = parseChainSpecs(DEFAULT_CHAINS)!;
    expect(specs).toEqual([
      {
        id: 'NSE',
        aliases: ['NIFTY'],
        underlying: 'NIFTY 50',
        indexExchange: 'NSE',
        optionName: 'NIFTY',
        optionsExchange: 'NFO',
        strikeStep: 50,
      },
      {
        id: 'BSE',
        aliases: ['SENSEX'],
        underlying: 'SENSEX',
        indexExchange: 'BSE',
        optionName: 'SENSEX',
        optionsExchange: 'BFO',
        strikeStep: 100,
      },
    ]);
    expect(findChain(specs, 'nifty')?.id).toBe('NSE');
    expect(findChain(specs, ' Sensex ')?.id).toBe('BSE');
    expect(findChain(specs, 'BANKNIFTY')).toBeUndefined();
  });

  it('adds chains by configuration', () => {
    const specs = parseChainSpecs(`${DEFAULT_CHAINS},BANKNIFTY:NIFTY BANK:BANKNIFTY:NFO:100`)!;
    expect(specs[2]).toMatchObject({
      id: 'BANKNIFTY',
      aliases: [],
      underlying: 'NIFTY BANK',
      strikeStep: 100,
    });
  });

  it.each([
    'NSE:NIFTY 50:NIFTY:NFO',
    'NSE:NIFTY 50:NIFTY:MCX:50',
    'NSE:NIFTY 50:NIFTY:NFO:0',
    'NSE:A:X:NFO:50,NSE:B:Y:NFO:50',
  ])('refuses %s', (text) => {
    expect(parseChainSpecs(text)).toBeNull();
  });
});
