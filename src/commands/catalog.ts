/** Who may do what: viewers read and subscribe to alerts, traders also paper-trade, admins also manage the Kite session. */
export type Role = 'viewer' | 'trader' | 'admin';

export const ROLE_RANK: Record<Role, number> = { viewer: 1, trader: 2, admin: 3 };

export interface CommandInfo {
  name: string;
  role: Role;
  syntax: string;
  example: string;
  summary: string;
}

/** Every command, in the order /help lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'start', role: 'viewer', syntax: '/start', example: '/start', summary: 'what this bot does' },
  {
    name: 'help',
    role: 'viewer',
    syntax: '/help [command]',
    example: '/help buy',
    summary: 'commands, syntax and examples',
  },
  {
    name: 'chain',
    role: 'viewer',
    syntax: '/chain [NSE|BSE|<chain>]',
    example: '/chain NSE',
    summary: 'the option chain table (default NSE)',
  },
  {
    name: 'oi',
    role: 'viewer',
    syntax: '/oi [chain]',
    example: '/oi BSE',
    summary: 'call vs put OI by strike, with the 30-minute change',
  },
  {
    name: 'pcr',
    role: 'viewer',
    syntax: '/pcr [chain]',
    example: '/pcr',
    summary: "today's PCR through the day",
  },
  {
    name: 'buy',
    role: 'trader',
    syntax: '/buy <chain> <strike><CE|PE> [qty] [tp=<points>] [sl=<points>]',
    example: '/buy NSE 25600CE 75',
    summary: 'paper-buy an option at the live price',
  },
  {
    name: 'sell',
    role: 'trader',
    syntax: '/sell <chain> <strike><CE|PE> [qty] [tp=<points>] [sl=<points>]',
    example: '/sell BSE 84200 PE 40 tp=30 sl=15',
    summary: 'paper-sell an option at the live price',
  },
  {
    name: 'exit',
    role: 'trader',
    syntax: '/exit <position id|all>',
    example: '/exit NSE_P0003',
    summary: 'close paper positions at the live price',
  },
  {
    name: 'positions',
    role: 'viewer',
    syntax: '/positions [chain]',
    example: '/positions NSE',
    summary: 'your open positions with MTM and levels',
  },
  {
    name: 'pnl',
    role: 'viewer',
    syntax: '/pnl',
    example: '/pnl',
    summary: 'realized and MTM today per chain, and the last 7 days',
  },
  {
    name: 'alerts',
    role: 'viewer',
    syntax: '/alerts [on|off|mute <minutes>|status]',
    example: '/alerts mute 30',
    summary: "this chat's alert subscription",
  },
  {
    name: 'status',
    role: 'viewer',
    syntax: '/status',
    example: '/status',
    summary: 'feed and session state per chain, data age, uptime, version',
  },
  { name: 'login', role: 'admin', syntax: '/login', example: '/login', summary: 'the Kite login link' },
  {
    name: 'token',
    role: 'admin',
    syntax: '/token <request_token>',
    example: '/token AbC123xYz',
    summary: 'finish a Kite login',
  },
  {
    name: 'enctoken',
    role: 'admin',
    syntax: '/enctoken <value>',
    example: '/enctoken Kx9…',
    summary: 'use a Kite web session',
  },
];

export function findCommand(name: string): CommandInfo | undefined {
  const wanted = name.toLowerCase();
  return COMMANDS.find((command) => command.name === wanted);
}
