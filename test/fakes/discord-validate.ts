/**
 * The limits Discord enforces on message and command bodies (a 400 "Invalid Form Body" when broken),
 * so a payload that the real API would refuse fails here too.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const textLength = (value: unknown) => (typeof value === 'string' ? value.length : 0);

const MESSAGE_FLAGS_ALLOWED = 4 | 64 | 4096;
const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

export function validateMessage(body: Json, fileCount: number, options: { creating: boolean }): string[] {
  const problems: string[] = [];
  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== 'string')
    problems.push('content: not a string');
  if (textLength(content) > 2000) problems.push(`content: ${textLength(content)} characters, over 2000`);
  if (typeof body.flags === 'number' && (body.flags & ~MESSAGE_FLAGS_ALLOWED) !== 0) {
    problems.push(`flags: ${body.flags} is not allowed`);
  }
  problems.push(...validateEmbeds(body.embeds), ...validateComponents(body.components));
  if (fileCount > 10) problems.push(`files: ${fileCount}, over 10`);
  if (body.nonce !== undefined && textLength(body.nonce) > 25) problems.push('nonce: over 25 characters');
  const empty =
    textLength(content) === 0 &&
    !(Array.isArray(body.embeds) && body.embeds.length > 0) &&
    !(Array.isArray(body.components) && body.components.length > 0) &&
    fileCount === 0;
  if (options.creating && empty) problems.push('Cannot send an empty message');
  return problems;
}

function validateEmbeds(embeds: unknown): string[] {
  if (embeds === undefined || embeds === null) return [];
  if (!Array.isArray(embeds)) return ['embeds: not a list'];
  const problems: string[] = [];
  if (embeds.length > 10) problems.push(`embeds: ${embeds.length}, over 10`);
  let total = 0;
  embeds.forEach((embed: unknown, index) => {
    if (!isObject(embed)) return void problems.push(`embeds.${index}: not an object`);
    const limits: [string, number][] = [
      ['title', 256],
      ['description', 4096],
    ];
    for (const [field, limit] of limits) {
      if (textLength(embed[field]) > limit)
        problems.push(`embeds.${index}.${field}: over ${limit} characters`);
      total += textLength(embed[field]);
    }
    const color = embed.color;
    if (
      color !== undefined &&
      (!Number.isInteger(color) || (color as number) < 0 || (color as number) > 0xffffff)
    ) {
      problems.push(`embeds.${index}.color: ${String(color)} is not a colour`);
    }
    if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp)))) {
      problems.push(`embeds.${index}.timestamp: not ISO 8601`);
    }
    if (isObject(embed.footer)) total += textLength(embed.footer.text);
  });
  if (total > 6000) problems.push(`embeds: ${total} characters in all, over 6000`);
  return problems;
}

function validateComponents(rows: unknown): string[] {
  if (rows === undefined || rows === null) return [];
  if (!Array.isArray(rows)) return ['components: not a list'];
  const problems: string[] = [];
  if (rows.length > 5) problems.push(`components: ${rows.length} rows, over 5`);
  const customIds = new Set<string>();
  rows.forEach((row: unknown, rowIndex) => {
    if (!isObject(row) || row.type !== 1 || !Array.isArray(row.components)) {
      return void problems.push(`components.${rowIndex}: not an action row`);
    }
    if (row.components.length < 1 || row.components.length > 5) {
      problems.push(`components.${rowIndex}: ${row.components.length} buttons, need 1 to 5`);
    }
    row.components.forEach((button: unknown, index) => {
      const where = `components.${rowIndex}.components.${index}`;
      if (!isObject(button) || button.type !== 2) return void problems.push(`${where}: not a button`);
      if (!Number.isInteger(button.style) || (button.style as number) < 1 || (button.style as number) > 5) {
        problems.push(`${where}.style: invalid`);
      }
      if (textLength(button.label) > 80) problems.push(`${where}.label: over 80 characters`);
      if (button.style === 5) return;
      const customId = button.custom_id;
      if (typeof customId !== 'string' || customId.length < 1 || customId.length > 100) {
        problems.push(`${where}.custom_id: needs 1 to 100 characters`);
      } else if (customIds.has(customId)) {
        problems.push(`${where}.custom_id: "${customId}" is used twice`);
      } else customIds.add(customId);
    });
  });
  return problems;
}

const OPTION_TYPES = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]);

export function validateCommands(commands: unknown): string[] {
  if (!Array.isArray(commands)) return ['body: not a list of commands'];
  const problems: string[] = [];
  if (commands.length > 100) problems.push(`${commands.length} commands, over 100`);
  const names = new Set<string>();
  commands.forEach((command: unknown, index) => {
    if (!isObject(command)) return void problems.push(`${index}: not an object`);
    const name = String(command.name);
    if (!NAME_PATTERN.test(name) || name !== name.toLowerCase())
      problems.push(`${index}.name: "${name}" is invalid`);
    if (names.has(name)) problems.push(`${index}.name: "${name}" is registered twice`);
    names.add(name);
    const description = textLength(command.description);
    if ((command.type ?? 1) === 1 && (description < 1 || description > 100)) {
      problems.push(`${name}.description: needs 1 to 100 characters`);
    }
    problems.push(...validateOptions(name, command.options));
  });
  return problems;
}

function validateOptions(command: string, options: unknown): string[] {
  if (options === undefined) return [];
  if (!Array.isArray(options)) return [`${command}.options: not a list`];
  const problems: string[] = [];
  if (options.length > 25) problems.push(`${command}.options: ${options.length}, over 25`);
  let seenOptional = false;
  const names = new Set<string>();
  for (const option of options as unknown[]) {
    if (!isObject(option)) {
      problems.push(`${command}.options: an option is not an object`);
      continue;
    }
    const where = `${command}.${String(option.name)}`;
    const name = String(option.name);
    if (!NAME_PATTERN.test(name) || name !== name.toLowerCase()) problems.push(`${where}: invalid name`);
    if (names.has(name)) problems.push(`${where}: duplicate name`);
    names.add(name);
    if (!OPTION_TYPES.has(option.type as number))
      problems.push(`${where}.type: ${String(option.type)} is unknown`);
    const description = textLength(option.description);
    if (description < 1 || description > 100)
      problems.push(`${where}.description: needs 1 to 100 characters`);
    if (option.required === true && seenOptional) problems.push(`${where}: required options must come first`);
    if (option.required !== true) seenOptional = true;
    if (option.choices !== undefined)
      problems.push(...validateChoices(where, option.type as number, option.choices));
  }
  return problems;
}

function validateChoices(where: string, type: number, choices: unknown): string[] {
  if (!Array.isArray(choices)) return [`${where}.choices: not a list`];
  const problems: string[] = [];
  if (choices.length > 25) problems.push(`${where}.choices: ${choices.length}, over 25`);
  for (const choice of choices as unknown[]) {
    if (!isObject(choice)) {
      problems.push(`${where}.choices: a choice is not an object`);
      continue;
    }
    const nameLength = textLength(choice.name);
    if (nameLength < 1 || nameLength > 100)
      problems.push(`${where}.choices: a name needs 1 to 100 characters`);
    const valueMatches =
      type === 3
        ? typeof choice.value === 'string'
        : type === 4
          ? Number.isInteger(choice.value)
          : typeof choice.value === 'number';
    if (!valueMatches)
      problems.push(`${where}.choices: ${JSON.stringify(choice.value)} does not fit type ${type}`);
  }
  return problems;
}
