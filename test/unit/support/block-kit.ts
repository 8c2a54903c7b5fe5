/** Block Kit limits and escaping checks shared by the renderer tests. */
import type { KnownBlock, ModalView } from '@slack/types';
import { expect } from 'vitest';
import { LIMITS } from '../../../src/slack/limits.ts';
import type { SlackMessage } from '../../../src/slack/views/message.ts';

interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
}

function isTextObject(value: unknown): value is TextObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v.type === 'plain_text' || v.type === 'mrkdwn') && typeof v.text === 'string';
}

/** Every text object anywhere inside a value (blocks, elements, options, confirm dialogs). */
export function textObjects(value: unknown): TextObject[] {
  const found: TextObject[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      if (isTextObject(v)) found.push(v);
      for (const child of Object.values(v)) if (typeof child === 'object') walk(child);
    }
  };
  walk(value);
  return found;
}

export const mrkdwnTexts = (value: unknown): string[] => textObjects(value).filter((t) => t.type === 'mrkdwn').map((t) => t.text);

export function sectionTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
}

/** Checks one message against the Block Kit limits our renderers promise to respect. */
export function expectWithinBlockKitLimits(message: SlackMessage): void {
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
  expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(LIMITS.messageBlockChars);
  for (const block of message.blocks) {
    switch (block.type) {
      case 'header':
        expect(block.text.type).toBe('plain_text');
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
        break;
      case 'section':
        expect(block.text?.text.length ?? 0).toBeGreaterThan(0);
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
        break;
      case 'context':
        expect(block.elements.length).toBeGreaterThan(0);
        expect(block.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
        for (const element of block.elements) {
          if (isTextObject(element)) {
            expect(element.text.length).toBeGreaterThan(0);
            expect(element.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
          }
        }
        break;
      case 'actions':
        expect(block.elements.length).toBeLessThanOrEqual(25);
        for (const element of block.elements) {
          if (element.type === 'button') {
            expect(element.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
            expect((element.value ?? '').length).toBeLessThanOrEqual(2000);
            expect((element.action_id ?? '').length).toBeGreaterThan(0);
          }
        }
        break;
      case 'divider':
        break;
      default:
        throw new Error(`unexpected block type ${block.type}`);
    }
  }
}

export function expectModalWithinLimits(view: ModalView): void {
  expect(view.title.text.length).toBeGreaterThan(0);
  expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  for (const button of [view.submit, view.close]) if (button) expect(button.text.length).toBeLessThanOrEqual(24);
  expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.modalBlocks);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(LIMITS.privateMetadata);
  for (const block of view.blocks as KnownBlock[]) {
    if (block.type === 'input' && 'options' in block.element) {
      for (const option of block.element.options ?? []) {
        expect(option.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
        expect(option.value?.length ?? 0).toBeLessThanOrEqual(150);
      }
    }
  }
}

/** Markup a hostile user might type: none of it may reach a mrkdwn text unescaped. */
export const HOSTILE = '<!channel> ping <@U999> & <https://evil.example|click> <#C1|general> <!here>';

/**
 * A mrkdwn text is safely escaped when every `&` starts one of Slack's three entities and the only `<…>`
 * left are markup the renderers add themselves: mentions of known ids, dates and (optionally) permalinks.
 */
export function expectEscaped(text: string, allowedMentions: readonly string[] = [], allowedLinks: readonly string[] = []): void {
  for (const raw of ['<!channel>', '<@U999>', '<https://evil', '<#C1', '<!here>']) expect(text).not.toContain(raw);
  expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  let rest = text.replace(/<!date\^\d+\^[^|<>]*\|[^<>]*>/g, '');
  for (const id of allowedMentions) rest = rest.split(`<@${id}>`).join('');
  // Our links close right before the label's end: `<url|label>`; drop the link syntax and keep the label.
  for (const link of allowedLinks) {
    for (;;) {
      const start = rest.indexOf(`<${link}|`);
      const end = start === -1 ? -1 : rest.indexOf('>', start);
      if (end === -1) break;
      rest = rest.slice(0, start) + rest.slice(start + link.length + 2, end) + rest.slice(end + 1);
    }
  }
  expect(rest).not.toMatch(/[<>]/);
}
