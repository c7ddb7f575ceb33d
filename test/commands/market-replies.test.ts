import { describe, expect, it } from 'vitest';
import { MarketReplies } from '../../src/commands/chain-reply.ts';
import { SNAPSHOT, WINDOWS } from '../render/chain-fixture.ts';

const replies = new MarketReplies(WINDOWS);

describe('market-data replies against a fixed snapshot', () => {
  it('/chain: a caption with the headline figures, the PNG and the text table', async () => {
    const reply = await replies.chain('NSE', SNAPSHOT, 1.2);
    expect(reply.text).toBe(
      `NSE · NIFTY 50 ${SNAPSHOT.underlyingPrice!.toFixed(2)} · ATM ${SNAPSHOT.atmStrike} · PCR ${SNAPSHOT.pcr!.toFixed(2)}` +
        ` · max pain ${SNAPSHOT.maxPain} · expiry ${SNAPSHOT.expiry} · ${SNAPSHOT.status} · 14:30:15 IST · data 1.2 s old`,
    );
    expect(reply.image).toMatchObject({ filename: 'chain-NSE.png', alt: 'NSE option chain around 25600' });
    expect(reply.image!.png.subarray(1, 4).toString('ascii')).toBe('PNG');
    for (const row of SNAPSHOT.calls) expect(reply.table).toContain(String(row.strike));
    expect(reply.table).toContain('*25600');
  });

  it('/oi: a chart of OI by strike with the 30-minute change', async () => {
    const reply = await replies.oi('NSE', SNAPSHOT);
    expect(reply.text).toBe(`NSE OI by strike, with the 30-minute change · ${SNAPSHOT.status}`);
    expect(reply.image!.filename).toBe('oi-NSE.png');
  });

  it('/pcr: first, last, low and high of the day, or says there is no history yet', async () => {
    const at = (hhmm: string) => Date.parse(`2026-11-24T${hhmm}:00+05:30`);
    const reply = await replies.pcr('BSE', [
      { time: at('09:15'), pcr: 0.91 },
      { time: at('11:00'), pcr: 1.34 },
      { time: at('14:30'), pcr: 1.02 },
    ]);
    expect(reply.text).toBe('BSE PCR today: 0.91 at 09:15 → 1.02 at 14:30 IST (low 0.91, high 1.34)');
    expect(reply.image!.filename).toBe('pcr-BSE.png');
    expect((await replies.pcr('BSE', [])).text).toBe('BSE has no PCR history today yet.');
  });
});
