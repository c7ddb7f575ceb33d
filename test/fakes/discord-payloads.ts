import { isoTime, userObject, type DiscordUser } from './discord-records.ts';
import type { FakeDiscordState, RegisteredCommand } from './discord-state.ts';

const ALL_PERMISSIONS = '2251799813685247';
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;
const startedAt = Date.now();

export function readyData(state: FakeDiscordState, sessionId: string): Record<string, unknown> {
  return {
    v: 10,
    user: { ...state.bot, verified: true, mfa_enabled: false, flags: 0 },
    guilds: [{ id: state.guildId, unavailable: true }],
    session_id: sessionId,
    resume_gateway_url: state.baseUrl.replace(/^http/, 'ws'),
    shard: [0, 1],
    application: { id: state.applicationId, flags: 0 },
    session_type: 'normal',
    private_channels: [],
    presences: [],
    relationships: [],
    user_settings: {},
    geo_ordered_rtc_regions: [],
    auth: {},
    _trace: ['["loopback-gateway",{"micros":0}]'],
  };
}

function textChannel(state: FakeDiscordState, id: string, position: number): Record<string, unknown> {
  return {
    id,
    type: 0,
    guild_id: state.guildId,
    name: `channel-${position}`,
    position,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

function member(user: DiscordUser): Record<string, unknown> {
  return {
    user,
    nick: null,
    avatar: null,
    roles: [],
    joined_at: isoTime(startedAt),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

export function guildCreate(state: FakeDiscordState): Record<string, unknown> {
  return {
    id: state.guildId,
    name: 'Loopback trading desk',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: state.applicationId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: state.guildId,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '1071698660929',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: isoTime(startedAt),
    large: false,
    unavailable: false,
    member_count: 1,
    voice_states: [],
    members: [member(state.bot)],
    channels: state.channelIds.map((id, index) => textChannel(state, id, index)),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** The fields every INTERACTION_CREATE carries: who, where, and the app's permissions. */
export function interactionBase(
  state: FakeDiscordState,
  at: { id: string; token: string; type: number; userId: string; channelId: string; guildId?: string },
): Record<string, unknown> {
  const user = userObject(at.userId);
  const where = at.guildId
    ? {
        guild_id: at.guildId,
        guild_locale: 'en-US',
        guild: { id: at.guildId, locale: 'en-US', features: [] },
        channel: textChannel(state, at.channelId, Math.max(0, state.channelIds.indexOf(at.channelId))),
        member: { ...member(user), permissions: ALL_PERMISSIONS },
        authorizing_integration_owners: { '0': at.guildId },
        context: 0,
      }
    : {
        channel: { id: at.channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] },
        user,
        authorizing_integration_owners: { '1': at.userId },
        context: 1,
      };
  return {
    id: at.id,
    application_id: state.applicationId,
    type: at.type,
    token: at.token,
    version: 1,
    channel_id: at.channelId,
    app_permissions: ALL_PERMISSIONS,
    locale: 'en-US',
    entitlements: [],
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    ...where,
  };
}

export type OptionValues = Record<string, string | number | boolean>;

/**
 * The `data.options` Discord's client would send for these values, checked as its UI would: the option
 * exists, the value has its type and is one of its choices, required options are there.
 */
export function commandOptions(command: RegisteredCommand, values: OptionValues): Record<string, unknown>[] {
  const declared = command.options ?? [];
  for (const option of declared) {
    if (option.required && !(option.name in values)) {
      throw new Error(`/${command.name} needs its required option "${option.name}"`);
    }
  }
  return Object.entries(values).map(([name, value]) => {
    const option = declared.find((candidate) => candidate.name === name);
    if (!option) throw new Error(`/${command.name} has no option "${name}"`);
    const fits =
      option.type === 3
        ? typeof value === 'string'
        : option.type === 4
          ? Number.isInteger(value)
          : option.type === 10
            ? typeof value === 'number'
            : option.type === 5
              ? typeof value === 'boolean'
              : true;
    if (!fits)
      throw new Error(`/${command.name} ${name}: ${JSON.stringify(value)} does not fit type ${option.type}`);
    if (option.choices && !option.choices.some((choice) => choice.value === value)) {
      throw new Error(`/${command.name} ${name}: ${JSON.stringify(value)} is not one of its choices`);
    }
    return { name, type: option.type, value };
  });
}
