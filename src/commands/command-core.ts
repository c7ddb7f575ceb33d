import { findChain } from '../chain-specs.ts';
import { UserError } from '../errors.ts';
import type { OrderRequest } from '../http/paper-routes.ts';
import type { PositionJson } from '../paper/position.ts';
import type { ChainSnapshot, ChainSpec } from '../tracker/types.ts';
import { allows, roleOf, type Caller } from './access.ts';
import { COMMANDS, findCommand, type CommandInfo, type Role } from './catalog.ts';
import { parseInput, parseOrderArgs, usage, UsageError, type ParsedInput } from './grammar.ts';
import { formatPnl, formatPositions, formatStatus, type StatusReport } from './replies.ts';
import type { Reply } from './reply.ts';
import type { AlertSubscription } from '../store/alert-subscriptions.ts';
import { formatIstIso } from '../util/ist.ts';

/** What the command core needs from the daemon; every piece is a plain port (no chat platform here). */
export interface CommandContext {
  chains: readonly ChainSpec[];
  access: ReadonlyMap<string, Role>;
  /** The chain's latest snapshot with live ticks laid over it, waiting up to `waitMs` for the first one. */
  snapshot(
    chainId: string,
    waitMs: number,
  ): Promise<{ snapshot: ChainSnapshot; dataAgeS: number | null } | null>;
  chainReply(chainId: string, snapshot: ChainSnapshot, dataAgeS: number | null): Promise<Reply>;
  oiReply(chainId: string, snapshot: ChainSnapshot): Promise<Reply>;
  /** Today's PCR through the day (from the store) and its reply. */
  pcrReply(chainId: string): Promise<Reply>;
  trading: {
    placeOrder(request: OrderRequest): PositionJson;
    exit(
      request: { owner: string; positionId: string } | { owner: string; chain: string; all: true },
    ): PositionJson[];
    openPositions(owner: string, chainId?: string): PositionJson[];
    pnl(owner: string): Record<string, { realized_today: number; mtm: number; realized_all_time: number }>;
    dailyRealized(owner: string): { day: string; chain: string; realized_pnl: number }[];
  };
  status(): StatusReport;
  alerts: {
    get(chat: string): AlertSubscription;
    set(subscription: AlertSubscription): void;
  };
  /** The Kite session, for admins: the login link and switching to a new session. */
  session?: {
    loginUrl(): string;
    /** Exchanges a request token; resolves with the Kite user id. */
    exchange(requestToken: string): Promise<string>;
    /** Uses a web session; resolves with the Kite user id. */
    useEnctoken(enctoken: string): Promise<string>;
  };
  now?: () => number;
  /** How long a market-data command waits for a chain's first snapshot (the console uses 60 s). */
  firstSnapshotWaitMs?: number;
}

const refuse = (text: string): Reply => ({ text, error: true });

/** The one grammar every front-end speaks: parse, check the caller's role, act, answer. */
export class CommandCore {
  constructor(private readonly context: CommandContext) {}

  /**
   * The refusal `handle` would answer without doing anything (not a command, unknown, not allowed),
   * or null when the command will run. Front-ends use it to answer refusals privately and at once.
   */
  precheck(text: string, caller: Caller): Reply | null {
    const parsed = parseInput(text);
    if (parsed === null) return refuse('Commands start with /. Send /help for the list.');
    if ('unknown' in parsed) return refuse(`Unknown command /${parsed.unknown}. Send /help for the list.`);
    const role = roleOf(this.context.access, caller);
    if (!allows(role, parsed.command.role)) {
      return refuse(
        role === null
          ? `You are not on this bot's access list. Ask an admin to add ${caller.owner} to ACCESS.`
          : `/${parsed.command.name} needs the ${parsed.command.role} role; ${caller.owner} is a ${role}.`,
      );
    }
    return null;
  }

  async handle(text: string, caller: Caller): Promise<Reply> {
    const refusal = this.precheck(text, caller);
    if (refusal) return refusal;
    const parsed = parseInput(text) as ParsedInput;
    try {
      return await this.run(parsed.command, parsed.args, caller);
    } catch (error) {
      if (error instanceof UsageError || error instanceof UserError) return refuse(error.message);
      throw error;
    }
  }

  private async run(command: CommandInfo, args: string[], caller: Caller): Promise<Reply> {
    switch (command.name) {
      case 'start':
        return {
          text:
            'Open-interest tracker for NIFTY (NSE) and SENSEX (BSE) options, with paper trading.\n\n' +
            this.helpText(),
        };
      case 'help':
        return this.help(args[0]);
      case 'chain':
        return this.chain(command, args);
      case 'oi': {
        const spec = this.chainSpec(command, args[0] ?? this.context.chains[0]!.id);
        const current = await this.context.snapshot(spec.id, this.context.firstSnapshotWaitMs ?? 0);
        if (!current)
          return refuse(`${spec.id} has no data yet: the tracker is starting. Try again in a minute.`);
        return this.context.oiReply(spec.id, current.snapshot);
      }
      case 'pcr':
        return this.context.pcrReply(this.chainSpec(command, args[0] ?? this.context.chains[0]!.id).id);
      case 'buy':
      case 'sell':
        return this.order(command, args, caller);
      case 'exit':
        return this.exit(command, args, caller);
      case 'positions': {
        const chainId = args[0] === undefined ? undefined : this.chainSpec(command, args[0]).id;
        const positions = this.context.trading.openPositions(caller.owner, chainId);
        const buttons = positions.map((p) => [{ label: `Exit ${p.id}`, command: `/exit ${p.id}` }]);
        return { text: formatPositions(positions), ...(buttons.length > 0 ? { buttons } : {}) };
      }
      case 'pnl':
        return {
          text: formatPnl(
            this.context.trading.pnl(caller.owner),
            this.context.trading.dailyRealized(caller.owner),
          ),
        };
      case 'status':
        return { text: formatStatus(this.context.status()) };
      case 'alerts':
        return this.alerts(command, args, caller);
      case 'login':
      case 'token':
      case 'enctoken':
        return this.kiteSession(command, args, caller);
      default:
        return refuse(`/${command.name} is not available in this version yet.`);
    }
  }

  private async kiteSession(command: CommandInfo, args: string[], caller: Caller): Promise<Reply> {
    const session = this.context.session;
    if (!session) return refuse('This front-end cannot manage the Kite session.');
    switch (command.name) {
      case 'login':
        return {
          text:
            `Open this link, log in to Kite, then send /token <request_token> with the request_token ` +
            `from the address Kite sends you to:\n${session.loginUrl()}`,
        };
      case 'token': {
        const userId = await session.exchange(this.secretArgument(command, args, caller));
        return { text: `Kite session for ${userId} is in use; market data is restarting.` };
      }
      default: {
        const userId = await session.useEnctoken(this.secretArgument(command, args, caller));
        return { text: `Kite web session for ${userId} is in use; market data is restarting.` };
      }
    }
  }

  /** The one argument of /token and /enctoken; never echoed back. */
  private secretArgument(command: CommandInfo, args: string[], caller: Caller): string {
    if (caller.shared) {
      throw new UserError(
        `Send /${command.name} in a private chat with the bot: everyone in this chat can read it. Nothing was changed.`,
      );
    }
    if (args.length !== 1) throw usage(command, `Send exactly one value after /${command.name}`);
    return args[0]!;
  }

  private alerts(command: CommandInfo, args: string[], caller: Caller): Reply {
    const chat = caller.chat ?? caller.owner;
    const now = (this.context.now ?? Date.now)();
    const current = this.context.alerts.get(chat);
    const action = (args[0] ?? 'status').toLowerCase();
    if (action === 'on' || action === 'off') {
      this.context.alerts.set({ chat, enabled: action === 'on', mutedUntil: 0 });
      return { text: action === 'on' ? 'Alerts are on for this chat.' : 'Alerts are off for this chat.' };
    }
    if (action === 'mute') {
      const minutes = /^\d{1,4}$/.test(args[1] ?? '') ? Number(args[1]) : Number.NaN;
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
        throw usage(command, `mute needs whole minutes from 1 to 1440, got "${args[1] ?? ''}"`);
      }
      const mutedUntil = now + minutes * 60_000;
      this.context.alerts.set({ chat, enabled: true, mutedUntil });
      return { text: `Alerts are muted until ${formatIstIso(mutedUntil).slice(11, 16)} IST.` };
    }
    if (action !== 'status') throw usage(command, `"${args[0]}" is not on, off, mute or status`);
    if (!current.enabled) return { text: 'Alerts are off for this chat. Send /alerts on to get them.' };
    return {
      text:
        current.mutedUntil > now
          ? `Alerts are on, muted until ${formatIstIso(current.mutedUntil).slice(11, 16)} IST.`
          : 'Alerts are on for this chat.',
    };
  }

  private helpText(): string {
    return COMMANDS.map((command) => `${command.syntax} — ${command.summary}`).join('\n');
  }

  private help(name: string | undefined): Reply {
    if (name === undefined)
      return { text: `Commands:\n${this.helpText()}\n\nSend /help <command> for an example.` };
    const command = findCommand(name.replace(/^\//, ''));
    if (!command) return refuse(`There is no /${name.replace(/^\//, '')}. Send /help for the list.`);
    return { text: `${command.syntax}\n${command.summary}\nExample: ${command.example}` };
  }

  private chainSpec(command: CommandInfo, name: string): ChainSpec {
    const spec = findChain(this.context.chains, name);
    if (!spec) {
      const known = this.context.chains.flatMap((chain) => [chain.id, ...chain.aliases]).join(', ');
      throw usage(command, `Unknown chain "${name}"; use one of ${known}`);
    }
    return spec;
  }

  private async chain(command: CommandInfo, args: string[]): Promise<Reply> {
    const spec = this.chainSpec(command, args[0] ?? this.context.chains[0]!.id);
    const current = await this.context.snapshot(spec.id, this.context.firstSnapshotWaitMs ?? 0);
    if (!current)
      return refuse(`${spec.id} has no data yet: the tracker is starting. Try again in a minute.`);
    const reply = await this.context.chainReply(spec.id, current.snapshot, current.dataAgeS);
    const others = this.context.chains.filter((chain) => chain.id !== spec.id).slice(0, 3);
    return {
      ...reply,
      buttons: [
        [
          ...others.map((chain) => ({ label: chain.id, command: `/chain ${chain.id}` })),
          { label: 'Refresh', command: `/chain ${spec.id}` },
        ],
      ],
    };
  }

  private async order(command: CommandInfo, args: string[], caller: Caller): Promise<Reply> {
    const order = parseOrderArgs(command, args);
    const spec = findChain(this.context.chains, order.chain);
    // Right after start, wait for the chain's first prices rather than refusing.
    if (spec) await this.context.snapshot(spec.id, this.context.firstSnapshotWaitMs ?? 0);
    const side = command.name === 'buy' ? 'BUY' : 'SELL';
    const position = this.context.trading.placeOrder({ owner: caller.owner, side, ...order });
    return {
      text:
        `${position.id}: ${side} ${position.qty} ${position.symbol} at ${position.entry_price.toFixed(2)}` +
        ` · target ${position.target.toFixed(2)} · stop ${position.stop.toFixed(2)}`,
      buttons: [[{ label: `Exit ${position.id}`, command: `/exit ${position.id}` }]],
    };
  }

  private exit(command: CommandInfo, args: string[], caller: Caller): Reply {
    const target = args[0];
    if (!target) throw usage(command, 'Which position?');
    const closed =
      target.toLowerCase() === 'all'
        ? this.context.chains.flatMap((chain) => {
            try {
              return this.context.trading.exit({ owner: caller.owner, chain: chain.id, all: true });
            } catch (error) {
              if (error instanceof UserError) return [];
              throw error;
            }
          })
        : this.context.trading.exit({ owner: caller.owner, positionId: target.toUpperCase() });
    if (closed.length === 0) return refuse('You have no open positions to exit.');
    return {
      text: closed
        .map(
          (p) =>
            `${p.id} closed at ${(p.exit_price ?? 0).toFixed(2)}: P&L ${(p.realized_pnl ?? 0).toFixed(2)}`,
        )
        .join('\n'),
    };
  }
}
