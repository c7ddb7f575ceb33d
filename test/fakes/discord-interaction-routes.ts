/** Interaction callbacks and the interaction webhook (`@original`, follow-ups), keyed by the interaction token. */
import type { StoredMessage } from './discord-records.ts';
import {
  apiError,
  invalidForm,
  messageInput,
  unknownInteraction,
  unknownMessage,
  type RestRequest,
  type RestResponse,
} from './discord-http.ts';
import {
  FLAG_EPHEMERAL,
  FLAG_LOADING,
  type FakeDiscordState,
  type InteractionRecord,
} from './discord-state.ts';
import { validateMessage } from './discord-validate.ts';

const WEBHOOK_TOKEN_LIFETIME_MS = 15 * 60_000;

function interactionFor(state: FakeDiscordState, request: RestRequest): InteractionRecord | RestResponse {
  if (request.params.app !== state.applicationId) return apiError(404, 10015, 'Unknown Webhook');
  const interaction = state.interactionByToken(request.params.token!);
  if (!interaction) return apiError(404, 10015, 'Unknown Webhook');
  if (Date.now() - interaction.createdAt > WEBHOOK_TOKEN_LIFETIME_MS) {
    return apiError(401, 50027, 'Invalid Webhook Token');
  }
  if (interaction.callbackType === undefined) return apiError(404, 10015, 'Unknown Webhook');
  return interaction;
}

function webhookMessage(
  state: FakeDiscordState,
  interaction: InteractionRecord,
  id: string,
): StoredMessage | undefined {
  const messageId = id === '@original' ? interaction.originalMessageId : id;
  const message = messageId ? state.messages.get(messageId) : undefined;
  if (!message) return undefined;
  const ours = message.interactionId === interaction.id || message.id === interaction.originalMessageId;
  return ours ? message : undefined;
}

/** `POST /interactions/{id}/{token}/callback`: the first answer, within the deadline, once. */
export function callback(request: RestRequest, state: FakeDiscordState): RestResponse {
  const interaction = state.interactions.get(request.params.id!);
  if (!interaction || interaction.token !== request.params.token) return unknownInteraction();
  if (Date.now() - interaction.createdAt > state.interactionDeadlineMs) return unknownInteraction();
  if (interaction.callbackType !== undefined) {
    return apiError(400, 40060, 'Interaction has already been acknowledged.');
  }
  const body = (request.body ?? {}) as { type?: unknown; data?: Record<string, unknown> };
  const input = messageInput({ ...request, body: body.data ?? {} });
  const flags = typeof body.data?.flags === 'number' ? body.data.flags : 0;
  const isButton = interaction.type === 3;
  let message: StoredMessage | undefined;
  switch (body.type) {
    case 4: {
      const problems = validateMessage(input.body, input.uploads.length, { creating: true });
      if (problems.length > 0) return invalidForm(problems);
      message = state.createMessage(interaction.channelId, input, { interactionId: interaction.id, flags });
      break;
    }
    case 5:
      message = state.createMessage(
        interaction.channelId,
        { body: {}, uploads: [] },
        { interactionId: interaction.id, flags: (flags & FLAG_EPHEMERAL) | FLAG_LOADING },
      );
      break;
    case 6:
      if (!isButton) return invalidForm(['type: 6 is only for component interactions']);
      message = state.messages.get(interaction.sourceMessageId!);
      break;
    case 7: {
      if (!isButton) return invalidForm(['type: 7 is only for component interactions']);
      const problems = validateMessage(input.body, input.uploads.length, { creating: false });
      if (problems.length > 0) return invalidForm(problems);
      const source = state.messages.get(interaction.sourceMessageId!);
      if (!source) return unknownMessage();
      message = state.editMessage(source, input, interaction.id);
      break;
    }
    default:
      return invalidForm([`type: ${String(body.type)} is not a response this fake serves`]);
  }
  interaction.callbackType = body.type;
  interaction.originalMessageId = message?.id;
  state.callbacks.push({
    interactionId: interaction.id,
    type: body.type,
    data: body.data,
    ephemeral: (flags & FLAG_EPHEMERAL) !== 0,
    attachments: input.uploads,
    at: Date.now(),
  });
  if (request.query.get('with_response') !== 'true') return { status: 204 };
  return {
    status: 200,
    body: {
      interaction: {
        id: interaction.id,
        type: interaction.type,
        response_message_id: message?.id ?? null,
        response_message_loading: body.type === 5,
        response_message_ephemeral: (flags & FLAG_EPHEMERAL) !== 0,
      },
      resource: { type: body.type, ...(message ? { message: state.apiMessage(message) } : {}) },
    },
  };
}

/** `POST /webhooks/{app}/{token}`: a follow-up message. */
export function followUp(request: RestRequest, state: FakeDiscordState): RestResponse {
  const found = interactionFor(state, request);
  if ('status' in found) return found;
  const input = messageInput(request);
  const problems = validateMessage(input.body, input.uploads.length, { creating: true });
  if (problems.length > 0) return invalidForm(problems);
  const original = found.originalMessageId ? state.messages.get(found.originalMessageId) : undefined;
  // Discord turns the first follow-up after a deferral into the deferred message itself.
  const message =
    original && (original.flags & FLAG_LOADING) !== 0
      ? state.editMessage(original, input, found.id)
      : state.createMessage(found.channelId, input, {
          interactionId: found.id,
          flags: typeof input.body.flags === 'number' ? input.body.flags : 0,
        });
  state.followUps.push(message);
  return request.query.get('wait') === 'true'
    ? { status: 200, body: state.apiMessage(message) }
    : { status: 204 };
}

export function editWebhookMessage(request: RestRequest, state: FakeDiscordState): RestResponse {
  const found = interactionFor(state, request);
  if ('status' in found) return found;
  const message = webhookMessage(state, found, request.params.message!);
  if (!message) return unknownMessage();
  const input = messageInput(request);
  const problems = validateMessage(input.body, input.uploads.length, { creating: false });
  if (problems.length > 0) return invalidForm(problems);
  return { status: 200, body: state.apiMessage(state.editMessage(message, input, found.id)) };
}

export function getWebhookMessage(request: RestRequest, state: FakeDiscordState): RestResponse {
  const found = interactionFor(state, request);
  if ('status' in found) return found;
  const message = webhookMessage(state, found, request.params.message!);
  return message ? { status: 200, body: state.apiMessage(message) } : unknownMessage();
}

export function deleteWebhookMessage(request: RestRequest, state: FakeDiscordState): RestResponse {
  const found = interactionFor(state, request);
  if ('status' in found) return found;
  const message = webhookMessage(state, found, request.params.message!);
  if (!message) return unknownMessage();
  state.messages.delete(message.id);
  return { status: 204 };
}
