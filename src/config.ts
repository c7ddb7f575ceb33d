import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { CHAINS_FORMAT, DEFAULT_CHAINS, parseChainSpecs } from './chain-specs.ts';
import { parseQuietHours, type QuietHours } from './alerts/quiet-hours.ts';
import { parseAccess } from './commands/access.ts';
import type { Role } from './commands/roles.ts';
import { ConfigError } from './errors.ts';
import type { ChainSpec } from './tracker/types.ts';

/** What each setting accepts, in words, for the one-line message a bad value gets. */
const EXPECTED: Record<string, string> = {
  MARKET_DATA: '"sim" or "kite"',
  KITE_API_ROOT: 'an http(s) URL',
  KITE_WS_ROOT: 'a ws(s) URL',
  KITE_WEB_ROOT: 'an http(s) URL of Kite\'s web app, e.g. "https://kite.zerodha.com"',
  KITE_WEB_WS_ROOT: 'a ws(s) URL of Kite\'s web ticker, e.g. "wss://ws.zerodha.com"',
  SIM_SESSION:
    '"live" (follow the wall clock) or "replay" (play the last trading session); empty for automatic',
  SIM_SEED: 'a whole number',
  SIM_SPEED: 'a number from 0.1 to 1000 (1 = real time)',
  SIM_PORT: 'a port number from 0 to 65535 (0 = any free port)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  CHAINS: CHAINS_FORMAT,
  REFRESH_INTERVAL_SECONDS:
    'whole seconds ≥ 1 that divide 60, or whole minutes that divide 60 (e.g. 30, 60, 300)',
  MARKET_HOURS: '"exchange" (09:15–15:30 IST on trading days) or "always"',
  STRIKES_EACH_SIDE: 'a whole number from 1 to 30',
  HISTORICAL_DATA_MINUTES: 'a whole number of minutes from 0 to 375',
  OI_CHANGE_WINDOWS: 'comma-separated whole minutes in ascending order, e.g. "5,10,15,30"',
  OI_CHANGE_THRESHOLDS:
    'comma-separated positive percentages, one per OI_CHANGE_WINDOWS entry, e.g. "8,10,15,25"',
  DB_PATH: 'a file path',
  RECOVERY_GAP_MINUTES: 'a whole number of minutes from 1 to 375',
  RISK_FREE_RATE: 'a percentage from 0 to 50, e.g. 10 for 10% (the rate of IV and the Greeks)',
  EXPIRIES_TRACKED: 'a whole number of expiries from 1 to 4 (1 = only the nearest)',
  ALERT_EXPIRIES: '"nearest" or "all"',
  RETENTION_DAYS: 'a whole number of days from 1 to 3650',
  HTTP_HOST: 'a host name or IP address to listen on',
  HTTP_PORT: 'a port number from 0 to 65535',
  WEB_OWNER: 'a book name of letters, digits, ".", "_", ":" or "-", e.g. "web"',
  MAX_QTY_LOTS: 'a whole number of lots from 1 to 10000',
  DEFAULT_QTY: 'a whole number of units (a multiple of the lot size), or empty for one lot',
  AUTO_EXIT_POINTS: 'a positive number of points, e.g. 25',
  SQUARE_OFF_TIME: 'an IST time HH:MM between 09:15 and 15:30, or empty to disable',
  TELEGRAM_API_ROOT: 'an http(s) URL of a Bot API server',
  TELEGRAM_ALERT_CHAT_IDS: 'comma-separated Telegram chat ids, e.g. "1001,-1002003004005"',
  DISCORD_API_ROOT: 'an http(s) URL ending in /api, e.g. "https://discord.com/api"',
  DISCORD_GUILD_ID: 'a Discord server (guild) id: digits only',
  DISCORD_ALERT_CHANNEL_ID: 'a Discord channel id: digits only',
  NTFY_URL: 'the http(s) URL of an ntfy topic, e.g. "https://ntfy.example.org/oi-alerts"',
  ALERT_COOLDOWN_MINUTES: 'a whole number of minutes from 0 to 1440',
  ALERT_MAX_AGE_MINUTES: 'a number of minutes from 0 to 1440, e.g. 10 (0.5 = 30 s)',
  MAX_RULES_PER_CHAT: 'a whole number from 1 to 1000',
  QUIET_HOURS: 'an IST span HH:MM-HH:MM, e.g. "15:30-09:00", or empty for none',
  ACCESS:
    'comma-separated platform:id=role entries, e.g. "telegram:1001=admin,discord:4242=trader" (roles: viewer, trader, admin)',
};

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));
const url = (schemes: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    })
    .transform((value) => value.replace(/\/+$/, ''));
const number = (min: number, max: number, integer: boolean) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number)
    .refine((value) => value >= min && value <= max && (!integer || Number.isInteger(value)));

const numberList = (integer: boolean) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*$/)
    .transform((value) => value.split(',').map(Number))
    .refine((values) => values.every((value) => value > 0 && (!integer || Number.isInteger(value))));
const refreshSeconds = number(1, 3600, true).refine((s) =>
  s < 60 ? 60 % s === 0 : s % 60 === 0 && 60 % (s / 60) === 0,
);

const schema = z.object({
  MARKET_DATA: z.enum(['sim', 'kite']).optional(),
  KITE_API_KEY: optionalText,
  KITE_API_SECRET: optionalText,
  KITE_ACCESS_TOKEN: optionalText,
  KITE_ENCTOKEN: optionalText,
  KITE_USER_ID: optionalText,
  KITE_API_ROOT: url(['http:', 'https:']).default('https://api.kite.trade'),
  KITE_WS_ROOT: url(['ws:', 'wss:']).default('wss://ws.kite.trade'),
  KITE_WEB_ROOT: url(['http:', 'https:']).default('https://kite.zerodha.com'),
  KITE_WEB_WS_ROOT: url(['ws:', 'wss:']).default('wss://ws.zerodha.com'),
  SIM_SEED: number(-(2 ** 31), 2 ** 32, true).default(20_261_125),
  SIM_SPEED: number(0.1, 1000, false).default(1),
  SIM_PORT: number(0, 65_535, true).default(0),
  SIM_SESSION: z.enum(['live', 'replay']).optional(),
  SIM_API_KEY: optionalText.transform((value) => value ?? 'sim_api_key'),
  SIM_ACCESS_TOKEN: optionalText.transform((value) => value ?? 'sim_access_token'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CHAINS: z
    .string()
    .transform(
      (value, ctx) => parseChainSpecs(value) ?? (ctx.addIssue({ code: 'custom', message: 'bad' }), z.NEVER),
    )
    .default(parseChainSpecs(DEFAULT_CHAINS)!),
  REFRESH_INTERVAL_SECONDS: refreshSeconds.default(30),
  MARKET_HOURS: z.enum(['exchange', 'always']).optional(),
  STRIKES_EACH_SIDE: number(1, 30, true).default(5),
  HISTORICAL_DATA_MINUTES: number(0, 375, true).default(40),
  OI_CHANGE_WINDOWS: numberList(true)
    .refine((values) => values.every((value, i) => i === 0 || value > values[i - 1]!))
    .default([5, 10, 15, 30]),
  OI_CHANGE_THRESHOLDS: numberList(false).default([8, 10, 15, 25]),
  DB_PATH: z.string().trim().min(1).optional(),
  RECOVERY_GAP_MINUTES: number(1, 375, true).default(30),
  RISK_FREE_RATE: number(0, 50, false).default(10),
  EXPIRIES_TRACKED: number(1, 4, true).default(2),
  ALERT_EXPIRIES: z.enum(['nearest', 'all']).default('nearest'),
  RETENTION_DAYS: number(1, 3650, true).default(30),
  HTTP_HOST: z.string().trim().min(1).default('127.0.0.1'),
  HTTP_PORT: number(0, 65_535, true).default(5000),
  HTTP_TOKEN: optionalText,
  WEB_OWNER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/)
    .default('web'),
  MAX_QTY_LOTS: number(1, 10_000, true).default(50),
  DEFAULT_QTY: number(1, 10_000_000, true).optional(),
  AUTO_EXIT_POINTS: number(0.05, 100_000, false).default(25),
  SQUARE_OFF_TIME: z
    .string()
    .trim()
    .regex(/^\d{2}:\d{2}$/)
    .refine((value) => value >= '09:15' && value <= '15:30')
    .default('15:20'),
  OUT_DIR: z.string().trim().min(1).default('./out'),
  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: url(['http:', 'https:']).optional(),
  TELEGRAM_ALERT_CHAT_IDS: z
    .string()
    .trim()
    .regex(/^-?\d+(\s*,\s*-?\d+)*$/)
    .transform((value) => value.split(',').map((id) => id.trim()))
    .default([]),
  DISCORD_BOT_TOKEN: optionalText,
  DISCORD_API_ROOT: url(['http:', 'https:']).optional(),
  DISCORD_GUILD_ID: z
    .string()
    .trim()
    .regex(/^\d{5,25}$/)
    .optional(),
  DISCORD_ALERT_CHANNEL_ID: z
    .string()
    .trim()
    .regex(/^\d{5,25}$/)
    .optional(),
  NTFY_URL: url(['http:', 'https:'])
    .refine((value) => new URL(value).pathname.length > 1)
    .optional(),
  NTFY_TOKEN: optionalText,
  ALERT_COOLDOWN_MINUTES: number(0, 1440, true).default(15),
  ALERT_MAX_AGE_MINUTES: number(0, 1440, false).default(10),
  MAX_RULES_PER_CHAT: number(1, 1000, true).default(20),
  QUIET_HOURS: z
    .string()
    .transform(
      (value, ctx) => parseQuietHours(value) ?? (ctx.addIssue({ code: 'custom', message: 'bad' }), z.NEVER),
    )
    .optional(),
  ACCESS: z
    .string()
    .transform(
      (value, ctx) => parseAccess(value) ?? (ctx.addIssue({ code: 'custom', message: 'bad' }), z.NEVER),
    )
    .default(new Map()),
});

type Settings = z.output<typeof schema>;

export type KiteAuth =
  | { kind: 'access_token'; apiKey: string; accessToken: string; apiSecret?: string }
  | { kind: 'enctoken'; enctoken: string; userId: string };

export interface Config {
  marketData: 'sim' | 'kite';
  kite: {
    apiRoot: string;
    wsRoot: string;
    /** Kite's web app: web sessions (enctoken) use `<webRoot>/oms` for REST and `webWsRoot` for ticks. */
    webRoot: string;
    webWsRoot: string;
    auth: KiteAuth | null;
    apiKey?: string;
    apiSecret?: string;
  };
  sim: {
    seed: number;
    speed: number;
    port: number;
    apiKey: string;
    accessToken: string;
    /** live: follow the wall clock; replay: play a past session; auto: replay outside market hours. */
    session: 'live' | 'replay' | 'auto';
  };
  logLevel: Settings['LOG_LEVEL'];
  chains: ChainSpec[];
  tracker: {
    refreshIntervalSeconds: number;
    marketHours: 'exchange' | 'always';
    strikesEachSide: number;
    historicalDataMinutes: number;
    oiChangeWindows: number[];
    oiChangeThresholds: number[];
    recoveryGapMinutes: number;
    /** RISK_FREE_RATE as a fraction (10% → 0.1), continuously compounded: IV and the Greeks use it. */
    riskFreeRate: number;
    /** EXPIRIES_TRACKED: each chain tracks this many of its nearest expiries. */
    expiriesTracked: number;
  };
  store: { path: string; retentionDays: number };
  /** `webOwner`: the book that orders from the desk page go into. */
  http: { host: string; port: number; token?: string; webOwner: string };
  paper: { maxQtyLots: number; defaultQty?: number; autoExitPoints: number; squareOffTime: string | null };
  access: Map<string, Role>;
  outDir: string;
  telegram: { token: string; apiRoot?: string; alertChatIds: string[] } | null;
  discord: { token: string; apiRoot?: string; guildId?: string; alertChannelId?: string } | null;
  ntfy: { url: string; token?: string } | null;
  alerts: {
    cooldownMinutes: number;
    quietHours: QuietHours | null;
    maxAgeMinutes: number;
    maxRulesPerChat: number;
    /** ALERT_EXPIRIES: OI-breach alerts for the nearest expiry only, or for every tracked one. */
    expiries: 'nearest' | 'all';
  };
}

/** Variables from a `.env` file, with the process environment winning. */
export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  envFile = '.env',
): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...env };
}

/** Whether a listen address stays on this machine (127.0.0.0/8, ::1, localhost). */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function kiteAuth(settings: Settings): KiteAuth | null {
  if (settings.KITE_ENCTOKEN) {
    if (!settings.KITE_USER_ID) {
      throw new ConfigError(
        'config: KITE_USER_ID is required with KITE_ENCTOKEN (the Kite user id, e.g. "AB1234")',
      );
    }
    return { kind: 'enctoken', enctoken: settings.KITE_ENCTOKEN, userId: settings.KITE_USER_ID };
  }
  if (settings.KITE_API_KEY && settings.KITE_ACCESS_TOKEN) {
    return {
      kind: 'access_token',
      apiKey: settings.KITE_API_KEY,
      accessToken: settings.KITE_ACCESS_TOKEN,
      apiSecret: settings.KITE_API_SECRET,
    };
  }
  return null;
}

function trackerConfig(settings: Settings, marketData: Config['marketData']): Config['tracker'] {
  return {
    refreshIntervalSeconds: settings.REFRESH_INTERVAL_SECONDS,
    marketHours: settings.MARKET_HOURS ?? (marketData === 'sim' ? 'always' : 'exchange'),
    strikesEachSide: settings.STRIKES_EACH_SIDE,
    historicalDataMinutes: settings.HISTORICAL_DATA_MINUTES,
    oiChangeWindows: settings.OI_CHANGE_WINDOWS,
    oiChangeThresholds: settings.OI_CHANGE_THRESHOLDS,
    recoveryGapMinutes: settings.RECOVERY_GAP_MINUTES,
    riskFreeRate: settings.RISK_FREE_RATE / 100,
    expiriesTracked: settings.EXPIRIES_TRACKED,
  };
}

/** Resolves the environment into a fully defaulted Config, or throws one ConfigError line. */
export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  const given = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(
      `config: ${name}=${describe(env[name])} is invalid; expected ${EXPECTED[name] ?? issue.message}`,
    );
  }
  const settings = parsed.data;
  const auth = kiteAuth(settings);
  const marketData =
    settings.MARKET_DATA ?? (settings.KITE_API_KEY || settings.KITE_ENCTOKEN ? 'kite' : 'sim');
  if (!isLoopback(settings.HTTP_HOST) && !settings.HTTP_TOKEN) {
    throw new ConfigError(
      `config: HTTP_HOST=${settings.HTTP_HOST} lets other machines reach the API, so HTTP_TOKEN is required; ` +
        'set HTTP_TOKEN, or keep HTTP_HOST=127.0.0.1 and reach the desk through an SSH tunnel',
    );
  }
  if (settings.OI_CHANGE_THRESHOLDS.length !== settings.OI_CHANGE_WINDOWS.length) {
    throw new ConfigError(
      `config: OI_CHANGE_THRESHOLDS=${describe(env.OI_CHANGE_THRESHOLDS)} has ${settings.OI_CHANGE_THRESHOLDS.length} ` +
        `values; expected one per OI_CHANGE_WINDOWS entry (${settings.OI_CHANGE_WINDOWS.join(',')})`,
    );
  }
  // MARKET_DATA=kite without credentials here may still start: on the session `npm run login` stored.
  // The market-data starter stops with what to do when there is none.
  return {
    marketData,
    kite: {
      apiRoot: settings.KITE_API_ROOT,
      wsRoot: settings.KITE_WS_ROOT,
      webRoot: settings.KITE_WEB_ROOT,
      webWsRoot: settings.KITE_WEB_WS_ROOT,
      auth,
      apiKey: settings.KITE_API_KEY,
      apiSecret: settings.KITE_API_SECRET,
    },
    sim: {
      seed: settings.SIM_SEED,
      speed: settings.SIM_SPEED,
      port: settings.SIM_PORT,
      apiKey: settings.SIM_API_KEY,
      accessToken: settings.SIM_ACCESS_TOKEN,
      session: settings.SIM_SESSION ?? 'auto',
    },
    logLevel: settings.LOG_LEVEL,
    chains: settings.CHAINS,
    tracker: trackerConfig(settings, marketData),
    // Simulated cycles never mix with a real account's history.
    store: {
      path: settings.DB_PATH ?? (marketData === 'sim' ? './data/sim.db' : './data/oi-tracker.db'),
      retentionDays: settings.RETENTION_DAYS,
    },
    http: {
      host: settings.HTTP_HOST,
      port: settings.HTTP_PORT,
      token: settings.HTTP_TOKEN,
      webOwner: settings.WEB_OWNER,
    },
    access: settings.ACCESS,
    outDir: settings.OUT_DIR,
    telegram: settings.TELEGRAM_BOT_TOKEN
      ? {
          token: settings.TELEGRAM_BOT_TOKEN,
          apiRoot: settings.TELEGRAM_API_ROOT,
          alertChatIds: settings.TELEGRAM_ALERT_CHAT_IDS,
        }
      : null,
    discord: settings.DISCORD_BOT_TOKEN
      ? {
          token: settings.DISCORD_BOT_TOKEN,
          apiRoot: settings.DISCORD_API_ROOT,
          guildId: settings.DISCORD_GUILD_ID,
          alertChannelId: settings.DISCORD_ALERT_CHANNEL_ID,
        }
      : null,
    ntfy: settings.NTFY_URL ? { url: settings.NTFY_URL, token: settings.NTFY_TOKEN } : null,
    alerts: {
      cooldownMinutes: settings.ALERT_COOLDOWN_MINUTES,
      quietHours: settings.QUIET_HOURS ?? null,
      maxAgeMinutes: settings.ALERT_MAX_AGE_MINUTES,
      maxRulesPerChat: settings.MAX_RULES_PER_CHAT,
      expiries: settings.ALERT_EXPIRIES,
    },
    paper: {
      maxQtyLots: settings.MAX_QTY_LOTS,
      defaultQty: settings.DEFAULT_QTY,
      autoExitPoints: settings.AUTO_EXIT_POINTS,
      // Set but empty turns the square-off off; unset means the default.
      squareOffTime:
        env.SQUARE_OFF_TIME !== undefined && env.SQUARE_OFF_TIME.trim() === ''
          ? null
          : settings.SQUARE_OFF_TIME,
    },
  };
}
