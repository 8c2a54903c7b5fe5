/** Types for render.js, the browser-and-Node renderer of mrkdwn, dates and Block Kit. */

export interface VNode {
  tag: string;
  attrs: Record<string, unknown>;
  on: Record<string, (event: unknown) => void>;
  children: Child[];
}

export type Child = VNode | string;

export interface ButtonClick {
  element: Record<string, unknown>;
  blockIndex: number;
  /** -1 for a section's accessory. */
  elementIndex: number;
  target: unknown;
}

export interface RenderContext {
  users?: ReadonlyMap<string, { name: string }>;
  channels?: ReadonlyMap<string, { name: string }>;
  /** Mentions of the viewer are highlighted; dates are shown in the viewer's time zone. */
  viewer?: { id: string; tz?: string };
  /** "today" / "yesterday" and {ago} are relative to this, in ms. */
  now?: number;
  onButton?: (click: ButtonClick) => void;
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  weekday: string;
  hour: number;
  minute: number;
  second: number;
}

/** Minimal document the renderer needs; the browser's `document` fits. */
export interface DocumentLike {
  createElement(tag: string): unknown;
  createTextNode(text: string): unknown;
}

export function h(tag: string, attrs?: Record<string, unknown>, ...children: unknown[]): VNode;
export function isSafeUrl(url: unknown): boolean;
export function decodeEntities(text: string): string;
export function zonedParts(epochMs: number, timeZone: string | undefined): ZonedParts;
export function formatSlackDate(epochSec: number, format: string, options?: { timeZone?: string; now?: number }): string;
export function formatTime(epochMs: number, timeZone: string | undefined): string;
export function mrkdwn(text: string, ctx?: RenderContext): Child[];
export function textObject(obj: unknown, ctx?: RenderContext): Child[];
export function renderBlock(block: unknown, ctx?: RenderContext, index?: number): VNode | null;
export function renderBlocks(blocks: unknown, ctx?: RenderContext): VNode[];
export function renderMessageContent(message: { text?: string; blocks?: unknown[] }, ctx?: RenderContext): VNode[];
export function toDom(node: Child, doc: DocumentLike): unknown;
export function toHtml(node: Child | Child[]): string;
export function toText(node: Child | Child[]): string;
