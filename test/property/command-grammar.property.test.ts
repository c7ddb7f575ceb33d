import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandCore } from '../../src/commands/command-core.ts';
import { readBookStats } from '../../src/paper/book-stats.ts';
import type { OrderRequest } from '../../src/paper/types.ts';
import { fakeCommandContext } from '../support/fake-command-context.ts';
import { samplePosition } from '../support/sample-position.ts';
import type { PositionJson } from '../../src/paper/position.ts';

const orders: OrderRequest[] = [];
const position = (request: OrderRequest): PositionJson =>
  samplePosition({ owner: request.owner, side: request.side, qty: request.qty ?? 75, mtm: 0 });

const context = fakeCommandContext({
  access: 'telegram:1001=admin',
  trading: {
    placeOrder: (request) => {
      orders.push(request);
      return position(request);
    },
    stats: (owner, days) => readBookStats({ closedTrades: () => [] }, { owner, days, now: Date.now() }),
  },
  session: {
    loginUrl: () => 'https://kite.example/login',
    exchange: async () => 'AB1234',
    useEnctoken: async () => 'AB1234',
  },
});
const core = new CommandCore(context);
const COMMANDS = core.registry.list();
const admin = { owner: 'telegram:1001' };
const stranger = { owner: 'telegram:9' };

const NASTY = [
  '1e309',
  '-0',
  '0x10',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '25600.5CE',
  "'; DROP TABLE paper_positions; --",
  '<b>bold</b>',
  '<script>alert(1)</script>',
  '&amp;',
  '\u202e',
  '🚀',
  'tp=',
  'sl=-5',
  'tp=1e309',
  'qty=75',
  '@otherbot',
];
const word = fc.oneof(
  fc.constantFrom(...NASTY, 'NSE', 'BSE', 'nifty', '25600CE', '84200', 'PE', '75', 'all', 'on', 'mute', '30'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const commandName = fc.oneof(
  fc.constantFrom(...COMMANDS.map((command) => command.name)),
  fc.string({ minLength: 1, maxLength: 10 }),
);
const input = fc.oneof(
  fc
    .tuple(commandName, fc.boolean(), fc.array(word, { maxLength: 8 }))
    .map(([name, upper, args]) => `/${upper ? name.toUpperCase() : name} ${args.join(' ')}`),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ maxLength: 6000 }).map((text) => `/buy ${text}`),
);

describe('the command core under random and hostile input', () => {
  it('answers every input with one non-empty reply and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), async (text, asAdmin) => {
        const reply = await core.handle(text, asAdmin ? admin : stranger);
        expect(typeof reply.text).toBe('string');
        expect(reply.text.length).toBeGreaterThan(0);
        expect(reply.text.length).toBeLessThan(4000);
      }),
      { numRuns: 3000 },
    );
  });

  it('hands the book only finite, positive whole quantities and positive points', async () => {
    orders.length = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (args) => {
        await core.handle(`/buy ${args.join(' ')}`, admin);
      }),
      { numRuns: 3000 },
    );
    for (const order of orders) {
      if (order.qty !== undefined) expect(Number.isSafeInteger(order.qty) && order.qty > 0).toBe(true);
      for (const points of [order.tp, order.sl]) {
        if (points !== undefined) expect(Number.isFinite(points) && points > 0).toBe(true);
      }
      if (order.strike !== undefined) expect(Number.isFinite(order.strike)).toBe(true);
    }
  });

  it('refuses every command that needs a role to a stranger, without acting', async () => {
    orders.length = 0;
    for (const command of COMMANDS) {
      const reply = await core.handle(`${command.example}`, stranger);
      expect(reply.error).toBe(true);
      expect(reply.text).toMatch(/not on this bot's access list/);
    }
    expect(orders).toHaveLength(0);
  });
});
