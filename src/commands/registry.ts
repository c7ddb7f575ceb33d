import { alertsCommand } from './builtin/alerts.ts';
import { buyCommand, sellCommand } from './builtin/order.ts';
import { chainCommand } from './builtin/chain.ts';
import { diffCommand } from './builtin/diff.ts';
import { heatmapCommand } from './builtin/heatmap.ts';
import { straddleCommand } from './builtin/straddle.ts';
import { enctokenCommand, loginCommand, tokenCommand } from './builtin/kite-session.ts';
import { exitCommand } from './builtin/exit.ts';
import { greeksCommand } from './builtin/greeks.ts';
import { helpCommand } from './builtin/help.ts';
import { ivCommand } from './builtin/iv.ts';
import { oiCommand } from './builtin/oi.ts';
import { pcrCommand } from './builtin/pcr.ts';
import { pnlCommand } from './builtin/pnl.ts';
import { ruleCommand } from './builtin/rule.ts';
import { rulesCommand } from './builtin/rules.ts';
import { scorecardCommand } from './builtin/scorecard.ts';
import { positionsCommand } from './builtin/positions.ts';
import { startCommand } from './builtin/start.ts';
import { statsCommand } from './builtin/stats.ts';
import { statusCommand } from './builtin/status.ts';
import type { CommandDefinition, CommandLookup } from './command.ts';

/** Every command, in the order /help and the chat menus list them. */
const BUILT_IN: readonly CommandDefinition[] = [
  startCommand,
  helpCommand,
  chainCommand,
  oiCommand,
  pcrCommand,
  greeksCommand,
  ivCommand,
  diffCommand,
  heatmapCommand,
  straddleCommand,
  buyCommand,
  sellCommand,
  exitCommand,
  positionsCommand,
  pnlCommand,
  statsCommand,
  alertsCommand,
  ruleCommand,
  rulesCommand,
  scorecardCommand,
  statusCommand,
  loginCommand,
  tokenCommand,
  enctokenCommand,
];

const NAME = /^[a-z][a-z0-9_]{0,31}$/;

/** The commands one command core answers; /help, the grammar and every front-end's menu read it. */
export class CommandRegistry implements CommandLookup {
  private readonly byName = new Map<string, CommandDefinition>();

  constructor(commands: readonly CommandDefinition[] = []) {
    for (const command of commands) this.add(command);
  }

  /** Adds a command at the end of the list; a malformed or taken name is a programming error. */
  add(command: CommandDefinition): this {
    if (!NAME.test(command.name)) {
      throw new Error(`command name "${command.name}" must be 1–32 lower-case letters, digits or _`);
    }
    if (this.byName.has(command.name)) throw new Error(`/${command.name} is registered twice`);
    this.byName.set(command.name, command);
    return this;
  }

  list(): readonly CommandDefinition[] {
    return [...this.byName.values()];
  }

  find(name: string): CommandDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }
}

/** A registry holding every built-in command. */
export function createCommandRegistry(): CommandRegistry {
  return new CommandRegistry(BUILT_IN);
}
