import { describe, expect, it } from 'vitest';
import { DEFAULT_CHAINS, parseChainSpecs } from '../../src/chain-specs.ts';
import { parseAccess } from '../../src/commands/access.ts';
import { CommandCore, type CommandContext } from '../../src/commands/command-core.ts';
import { samplePosition } from '../support/sample-position.ts';
import { UserError } from '../../src/errors.ts';
import type { OrderRequest } from '../../src/paper/types.ts';
import type { PositionJson } from '../../src/paper/position.ts';
import type { AlertSubscription } from '../../src/store/alert-subscriptions.ts';

const orders: OrderRequest[] = [];

const position = (request: OrderRequest): PositionJson =>
  samplePosition({ owner: request.owner, side: request.side, qty: request.qty ?? 75, current_price: 121 });

const context: CommandContext = {
  chains: parseChainSpecs(DEFAULT_CHAINS)!,
  access: parseAccess('telegram:1001=admin,telegram:2002=trader,telegram:-100777=viewer')!,
  snapshot: async () => null,
  chainReply: async () => ({ text: 'chain' }),
  oiReply: async () => ({ text: 'oi' }),
  pcrReply: async () => ({ text: 'pcr' }),
  trading: {
    placeOrder: (request) => {
      if (request.strike === 99_999) throw new UserError('strike 99999 is outside the NSE window');
      orders.push(request);
      return position(request);
    },
    exit: () => [],
    openPositions: (owner) =>
      owner === 'telegram:1001' ? [position({ owner, side: 'BUY', chain: 'NSE' })] : [],
    pnl: () => ({}),
    dailyRealized: () => [],
    stats: () => {
      throw new Error('no /stats in this test');
    },
  },
  status: () => ({ version: '0.1.0', uptimeS: 75, marketData: 'sim', tickerConnections: 1, chains: [] }),
  alerts: {
    get: (chat) => subscriptions.get(chat) ?? { chat, enabled: false, mutedUntil: 0 },
    set: (subscription) => void subscriptions.set(subscription.chat, subscription),
  },
  now: () => Date.parse('2026-11-25T10:00:00+05:30'),
};
const subscriptions = new Map<string, AlertSubscription>();
const core = new CommandCore(context);
const trader = { owner: 'telegram:2002' };

describe('the command grammar', () => {
  it.each([
    ['/buy NSE 25600CE 75', { chain: 'NSE', strike: 25_600, type: 'CE', qty: 75, side: 'BUY' }],
    ['/BUY nifty 25600 pe', { chain: 'nifty', strike: 25_600, type: 'PE', side: 'BUY' }],
    [
      '/sell BSE 84200 PE 40 tp=30 sl=15',
      { chain: 'BSE', strike: 84_200, type: 'PE', qty: 40, tp: 30, sl: 15, side: 'SELL' },
    ],
    [
      '/buy NSE NIFTY26D0125600CE sl=12.5',
      { chain: 'NSE', symbol: 'NIFTY26D0125600CE', sl: 12.5, side: 'BUY' },
    ],
  ])('%s', async (text, expected) => {
    orders.length = 0;
    const reply = await core.handle(text, trader);
    expect(reply.error).toBeUndefined();
    expect(orders).toEqual([{ owner: 'telegram:2002', ...expected }]);
    expect(reply.text).toMatch(/^NSE_P0001: (BUY|SELL) \d+ NIFTY26D0125600CE at 120\.50/);
  });

  it.each([
    [
      '/buy',
      'Which chain and option? Usage: /buy <chain> <strike><CE|PE> [qty] [tp=<points>] [sl=<points>] (e.g. /buy NSE 25600CE 75)',
    ],
    ['/buy NSE', /^Which option\? Give the strike and CE or PE\. Usage: \/buy/],
    ['/buy NSE 25600', /^"25600" needs CE or PE after it\. Usage/],
    ['/buy NSE 25600XE', /^"25600XE" is not an option: write the strike and type, like 25600CE/],
    ['/buy NSE 25600CE 75 tp=-3', /^tp=-3 is not a positive number of points/],
    ['/buy NSE 25600CE lots', /^"lots" is not a quantity or tp=\/sl=/],
    ['/buy NSE 99999CE', 'strike 99999 is outside the NSE window'],
    ['/frobnicate', 'Unknown command /frobnicate. Send /help for the list.'],
    ['hello', 'Commands start with /. Send /help for the list.'],
    [
      '/positions NASDAQ',
      /^Unknown chain "NASDAQ"; use one of NSE, NIFTY, BSE, SENSEX\. Usage: \/positions \[chain\]/,
    ],
    ['/exit', /^Which position\? Usage: \/exit <position id\|all>/],
    ['/exit all', 'You have no open positions to exit.'],
    ['/help frobnicate', 'There is no /frobnicate. Send /help for the list.'],
    ['/chain NASDAQ', /^Unknown chain "NASDAQ"; use one of NSE, NIFTY, BSE, SENSEX\. Usage: \/chain/],
    ['/oi LSE', /^Unknown chain "LSE"/],
    ['/pcr LSE', /^Unknown chain "LSE"/],
    ['/chain sensex', 'BSE has no data yet: the tracker is starting. Try again in a minute.'],
    ['/sell BSE', /^Which option\? Give the strike and CE or PE\. Usage: \/sell/],
  ])('%s is refused with one line', async (text, message) => {
    const reply = await core.handle(text, trader);
    expect(reply.error).toBe(true);
    expect(reply.text).toMatch(message);
    expect(reply.text).not.toContain('\n');
  });
});

describe('roles', () => {
  it('refuses strangers with their id, and viewers from trading', async () => {
    expect((await core.handle('/chain', { owner: 'telegram:5555' })).text).toBe(
      "You are not on this bot's access list. Ask an admin to add telegram:5555 to ACCESS.",
    );
    const viewer = await core.handle('/buy NSE 25600CE', {
      owner: 'telegram:3003',
      chat: 'telegram:-100777',
    });
    expect(viewer.text).toBe('/buy needs the trader role; telegram:3003 is a viewer.');
    expect(
      (await core.handle('/status', { owner: 'telegram:3003', chat: 'telegram:-100777' })).error,
    ).toBeUndefined();
    expect((await core.handle('/help', { owner: 'console' })).text).toMatch(/^Commands:\n\/start/);
  });

  it('help for one command shows its syntax and an example', async () => {
    expect((await core.handle('/help buy', trader)).text).toBe(
      '/buy <chain> <strike><CE|PE> [qty] [tp=<points>] [sl=<points>]\npaper-buy an option at the live price\nExample: /buy NSE 25600CE 75',
    );
  });
});

describe('/alerts', () => {
  it('turns this chat’s alerts on, mutes them, reports and turns them off', async () => {
    const group = { owner: 'telegram:2002', chat: 'telegram:-100777' };
    expect((await core.handle('/alerts', group)).text).toBe(
      'Alerts are off for this chat. Send /alerts on to get them.',
    );
    expect((await core.handle('/alerts on', group)).text).toBe('Alerts are on for this chat.');
    expect((await core.handle('/alerts mute 30', group)).text).toBe('Alerts are muted until 10:30 IST.');
    expect((await core.handle('/alerts status', group)).text).toBe('Alerts are on, muted until 10:30 IST.');
    expect(subscriptions.get('telegram:-100777')).toMatchObject({ enabled: true });
    expect((await core.handle('/alerts off', group)).text).toBe('Alerts are off for this chat.');
    expect((await core.handle('/alerts mute soon', group)).text).toMatch(
      /^mute needs whole minutes from 1 to 1440, got "soon"\. Usage: \/alerts/,
    );
    expect((await core.handle('/alerts loud', group)).text).toMatch(
      /^"loud" is not on, off, mute or status\. Usage/,
    );
  });
});

describe('/positions', () => {
  it('lists open positions with MTM and levels, with an Exit button each', async () => {
    const reply = await core.handle('/positions', { owner: 'telegram:1001' });
    expect(reply.text).toBe(
      'NSE_P0001 BUY 75 NIFTY26D0125600CE @ 120.50 → 121.00 MTM ₹37.50 (target 145.50, stop 95.50)\nTotal MTM ₹37.50',
    );
    expect(reply.buttons).toEqual([[{ label: 'Exit NSE_P0001', command: '/exit NSE_P0001', danger: true }]]);
    expect((await core.handle('/positions', trader)).text).toBe('No open positions.');
  });
});

describe('/token and /enctoken', () => {
  it('are refused in a chat others read, before anything is sent to Kite', async () => {
    const exchanged: string[] = [];
    const withSession = new CommandCore({
      ...context,
      session: {
        loginUrl: () => 'https://kite.example/connect/login?api_key=k&v=3',
        exchange: async (token) => (exchanged.push(token), 'AB1234'),
        useEnctoken: async (token) => (exchanged.push(token), 'AB1234'),
      },
    });
    const inGroup = { owner: 'telegram:1001', chat: 'telegram:-100777', shared: true };
    for (const text of ['/token RqT0ken123', '/enctoken Kx9abcdefgh']) {
      const reply = await withSession.handle(text, inGroup);
      expect(reply.error).toBe(true);
      expect(reply.text).toMatch(/in a private chat with the bot: everyone in this chat can read it/);
    }
    expect(exchanged).toEqual([]);
    const reply = await withSession.handle('/token RqT0ken123', {
      owner: 'telegram:1001',
      chat: 'telegram:1001',
    });
    expect(reply.text).toBe('Kite session for AB1234 is in use; market data is restarting.');
    expect(exchanged).toEqual(['RqT0ken123']);
  });
});
