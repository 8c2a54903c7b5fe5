/** The shape every renderer returns, and small typed helpers for the blocks we use. */
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { LIMITS } from '../limits.ts';
import { truncate } from '../mrkdwn.ts';

export interface SlackMessage {
  /** Notification and accessibility fallback; always present. */
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

/** A mrkdwn section. Callers pass escaped text; the cut only guards the limit (content is split before this). */
export function section(text: string, blockId?: string): SectionBlock {
  const block: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
  if (blockId) block.block_id = blockId;
  return block;
}

export function context(...texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.sectionText) })),
  };
}

export function fallback(text: string): string {
  return truncate(text, LIMITS.fallbackText);
}
