import { describe, expect, it } from 'vitest';
import type { PastDay } from '../../src/history/past-chains.ts';
import type { StoredCycle } from '../../src/store/types.ts';
import { parseCondition } from '../../src/rules/rule-condition.ts';
import { replayDays } from '../../src/rules/rule-replay.ts';
import { chainSnapshot } from '../support/chain-builders.ts';

const DAYS = 5;
const MINUTE = 60_000;

/** A day of three Live cycles, the price rising through 25600 at the second. */
function day(index: number): PastDay {
  const open = Date.parse('2026-11-02T09:15:00+05:30') + index * 24 * 60 * MINUTE;
  const snapshots = [25_590, 25_610, 25_620].map((price, i) =>
    chainSnapshot({ underlyingPrice: price, lastUpdate: open + i * 5 * MINUTE }),
  );
  const cycles = snapshots.map(
    (snapshot) => ({ time: snapshot.lastUpdate, underlyingPrice: snapshot.underlyingPrice }) as StoredCycle,
  );
  return { cycles, snapshot: (i) => snapshots[i]! };
}

describe('a replay over many stored days', () => {
  it('gives the event loop a turn between days, so live cycles and replies are not held up by it', async () => {
    let turns = 0;
    let replaying = true;
    const spin = () => {
      turns++;
      if (replaying) setImmediate(spin);
    };
    setImmediate(spin);
    const turnsAtRead: number[] = [];
    function* days() {
      for (let i = 0; i < DAYS; i++) {
        turnsAtRead.push(turns);
        yield day(i);
      }
    }
    const condition = parseCondition('price > 25600', { windows: ['5'], strikesEachSide: 5 });
    const result = await replayDays(condition, 0, days());
    replaying = false;
    expect(result.firings).toHaveLength(DAYS);
    expect(result.firedDays).toBe(DAYS);
    for (let i = 1; i < DAYS; i++)
      expect(turnsAtRead[i]!, `turns before day ${i}`).toBeGreaterThan(turnsAtRead[i - 1]!);
  });
});
