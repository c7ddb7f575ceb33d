import type { PngImage } from '../render/png-image.ts';

/** A command's answer, platform-neutral: the front-ends (Telegram, Discord, console) only format and send it. */
export interface Reply {
  /** Plain text, always present (the caption under an image, or the whole answer). */
  text: string;
  /** A monospace table, for front-ends that show text (and as the image's long alt text). */
  table?: string;
  image?: PngImage;
  /** Rows of buttons; pressing one runs `command` as if the user had typed it. */
  buttons?: ReplyButton[][];
  /** True when the answer refuses the input (wrong syntax, not allowed, …). */
  error?: boolean;
}

export interface ReplyButton {
  label: string;
  command: string;
  /** The button undoes something (closes a position): front-ends that can, show it as such. */
  danger?: boolean;
}
