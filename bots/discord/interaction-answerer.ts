import {
  DiscordAPIError,
  escapeMarkdown,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import type { Caller } from '../../src/commands/access.ts';
import type { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';
import type { Logger } from '../../src/log.ts';
import { MESSAGE_LIMIT, replyMessages, type DiscordMessage } from './discord-format.ts';
import { errorSummary } from './error-summary.ts';
import { commandText } from './slash-commands.ts';

const FAILED_TO_ANSWER = 'Sorry, the answer could not be sent; the error is logged.';

type Answerable = ChatInputCommandInteraction | ButtonInteraction;

export interface InteractionAnswererOptions {
  core: CommandCore;
  log: Logger;
  /** Answer directly when the core is done within this; otherwise defer first (Discord allows 3 s). */
  deferAfterMs: number;
}

const ephemeral = (yes: boolean) => (yes ? { flags: MessageFlags.Ephemeral as const } : {});
const commandNameOf = (text: string) =>
  text.trim().split(/\s+/)[0]!.slice(1).replace(/@.*$/, '').toLowerCase();

export function callerOf(interaction: Interaction): Caller {
  return {
    owner: `discord:${interaction.user.id}`,
    ...(interaction.channelId ? { chat: `discord-channel:${interaction.channelId}` } : {}),
  };
}

/** Resolves with the work's result when it is done within `ms`, else with undefined (the work goes on). */
async function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Discord allows 3 s for the first response; a retry is only worth it well inside that. */
const RETRY_FIRST_RESPONSE_WITHIN_MS = 2500;
/** "Interaction has already been acknowledged": the first try got through, only its answer was lost. */
const ALREADY_ACKNOWLEDGED = 40060;

/**
 * The first response to an interaction, tried once more when the connection failed before Discord
 * answered (discord.js retries resets but not every socket error) and there is still time.
 */
async function firstResponse(
  interaction: Answerable,
  respond: () => Promise<unknown>,
  kind: 'reply' | 'defer' = 'defer',
): Promise<void> {
  try {
    await respond();
  } catch (error) {
    const late = Date.now() - interaction.createdTimestamp > RETRY_FIRST_RESPONSE_WITHIN_MS;
    if (error instanceof DiscordAPIError || late) throw error;
    try {
      await respond();
    } catch (retryError) {
      if (!(retryError instanceof DiscordAPIError && retryError.code === ALREADY_ACKNOWLEDGED))
        throw retryError;
      // discord.js did not see the first try succeed; tell it, so later edits and follow-ups work.
      if (kind === 'reply') interaction.replied = true;
      else interaction.deferred = true;
    }
  }
}

/** Runs slash commands and button presses through the command core and answers them within Discord's window. */
export class InteractionAnswerer {
  constructor(private readonly options: InteractionAnswererOptions) {}

  async answer(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await this.command(interaction);
      else if (interaction.isButton()) await this.button(interaction);
    } catch (error) {
      this.options.log.error(
        { interactionId: interaction.id, err: errorSummary(error) },
        'Discord interaction could not be answered',
      );
      // Do not leave a deferred reply "thinking" for ever. The first follow-up after a deferred reply
      // becomes that reply; after a deferred update (a redraw) it is a new message, and the chart stays.
      if (interaction.isRepliable() && interaction.deferred && !interaction.replied) {
        await interaction.followUp({ content: FAILED_TO_ANSWER, ...ephemeral(true) }).catch(() => undefined);
      }
    }
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const name = interaction.commandName;
    const text = commandText(this.options.core.registry, name, interaction.options.data);
    await this.run(interaction, name, text);
  }

  private async button(interaction: ButtonInteraction): Promise<void> {
    await this.run(interaction, commandNameOf(interaction.customId), interaction.customId);
  }

  private async run(interaction: Answerable, name: string, text: string): Promise<void> {
    const caller = callerOf(interaction);
    // The text is not logged: /token and /enctoken carry secrets.
    this.options.log.info(
      { interactionId: interaction.id, command: name, button: interaction.isButton(), ...caller },
      'Discord command',
    );
    const refusal = this.options.core.precheck(text, caller);
    if (refusal) {
      await firstResponse(
        interaction,
        () =>
          interaction.reply({
            content: escapeMarkdown(refusal.text).slice(0, MESSAGE_LIMIT),
            ...ephemeral(true),
          }),
        'reply',
      );
      return;
    }
    // Commands that draw a PNG are always deferred, and redrawn in place when run from a button;
    // private ones (Kite login links and tokens) are answered so that only the caller sees them.
    const command = this.options.core.registry.find(name);
    const image = command?.image === true;
    if (interaction.isButton() && image) return this.redraw(interaction, text, caller);
    await this.respond(interaction, text, caller, { deferAtOnce: image, private: command?.private === true });
  }

  /** Answers in one go when the core is quick, else defers and edits the answer in. */
  private async respond(
    interaction: Answerable,
    text: string,
    caller: Caller,
    how: { deferAtOnce: boolean; private: boolean },
  ): Promise<void> {
    if (how.deferAtOnce) {
      // Defer before the work starts: PNG rendering is synchronous and could hold up the deferral.
      await firstResponse(interaction, () => interaction.deferReply(ephemeral(how.private)));
      return this.fillIn(interaction, await this.handle(text, caller), how.private);
    }
    const work = this.handle(text, caller);
    const early = await settledWithin(work, this.options.deferAfterMs);
    if (early) {
      const hidden = how.private || early.error === true;
      const [first, ...rest] = replyMessages(early);
      await firstResponse(interaction, () => interaction.reply({ ...first!, ...ephemeral(hidden) }), 'reply');
      await this.followUps(interaction, rest, hidden);
      return;
    }
    await firstResponse(interaction, () => interaction.deferReply(ephemeral(how.private)));
    await this.fillIn(interaction, await work, how.private);
  }

  /** Edits the answer into the deferred reply (or the message a button redraws); the rest as follow-ups. */
  private async fillIn(interaction: Answerable, reply: Reply, hidden: boolean): Promise<void> {
    const [first, ...rest] = replyMessages(reply);
    await interaction.editReply({ ...first!, attachments: [] });
    await this.followUps(interaction, rest, hidden);
  }

  /** A chart button: the message it sits on is redrawn with the new answer; a refusal goes only to the presser. */
  private async redraw(interaction: ButtonInteraction, text: string, caller: Caller): Promise<void> {
    await firstResponse(interaction, () => interaction.deferUpdate());
    const reply = await this.handle(text, caller);
    if (reply.error) {
      await interaction.followUp({
        content: escapeMarkdown(reply.text).slice(0, MESSAGE_LIMIT),
        ...ephemeral(true),
      });
      return;
    }
    await this.fillIn(interaction, reply, false);
  }

  private async followUps(
    interaction: Answerable,
    messages: DiscordMessage[],
    hidden: boolean,
  ): Promise<void> {
    for (const message of messages) await interaction.followUp({ ...message, ...ephemeral(hidden) });
  }

  private async handle(text: string, caller: Caller): Promise<Reply> {
    try {
      return await this.options.core.handle(text, caller);
    } catch (error) {
      // The core knows nothing of Discord, so its error (with the stack) is safe to log whole.
      this.options.log.error({ command: commandNameOf(text), err: error }, 'Command failed');
      return { text: 'Something went wrong running that command; the error is logged.', error: true };
    }
  }
}
