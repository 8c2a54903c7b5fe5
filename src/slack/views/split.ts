/** Splitting long content to fit Block Kit: lines into sections, blocks into messages. Nothing is dropped. */
import type { KnownBlock } from '@slack/types';
import { LIMITS } from '../limits.ts';
import type { SlackMessage } from './message.ts';

/**
 * Packs lines into section texts of at most `max` characters, breaking a line that is longer than `max`
 * itself into pieces (never inside an `&amp;`-style entity).
 */
export function packLines(lines: readonly string[], max: number = LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let current = '';
  const push = (piece: string) => {
    if (current === '') current = piece;
    else if (current.length + 1 + piece.length <= max) current += `\n${piece}`;
    else {
      chunks.push(current);
      current = piece;
    }
  };
  for (const line of lines) {
    if (line.length <= max) {
      push(line);
      continue;
    }
    let rest = line;
    while (rest.length > max) {
      let cut = max;
      const space = rest.lastIndexOf(' ', max);
      if (space > max * 0.6) cut = space;
      const entity = rest.slice(Math.max(0, cut - 5), cut).lastIndexOf('&');
      if (entity !== -1 && !rest.slice(cut - 5 + entity, cut).includes(';')) cut = cut - 5 + entity;
      if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
      push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    if (rest) push(rest);
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

function blockChars(block: KnownBlock): number {
  return JSON.stringify(block).length;
}

/**
 * Splits blocks into messages of at most 50 blocks and about 11,000 characters each (Slack refuses larger
 * ones with msg_blocks_too_long). Each message gets its own fallback text naming its part, and every part
 * after the first opens with the `continued` block (room for it is kept in every message).
 */
export function splitIntoMessages(
  blocks: readonly KnownBlock[],
  fallbackFor: (part: number, parts: number) => string,
  continued: (part: number, parts: number) => KnownBlock,
): SlackMessage[] {
  const maxBlocks = LIMITS.messageBlocks - 1;
  const maxChars = LIMITS.messageBlockChars - 500;
  const groups: KnownBlock[][] = [];
  let current: KnownBlock[] = [];
  let chars = 0;
  for (const block of blocks) {
    const size = blockChars(block);
    if (current.length > 0 && (current.length >= maxBlocks || chars + size > maxChars)) {
      groups.push(current);
      current = [];
      chars = 0;
    }
    current.push(block);
    chars += size;
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group, i) => ({
    text: fallbackFor(i + 1, groups.length),
    blocks: i === 0 ? group : [continued(i + 1, groups.length), ...group],
  }));
}
