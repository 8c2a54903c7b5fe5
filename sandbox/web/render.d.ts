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

/** An element's state in the page's form: text, an option value or a user id (null for none), or a list of them. */
export type ElementValue = string | string[] | null;

/** A stateful element outside an input block changed (Slack sends block_actions for it at once). */
export interface ElementChange {
  element: Record<string, unknown>;
  blockIndex: number;
  /** Index in an actions block, or -1 for a section's accessory. */
  elementIndex: number;
  value: ElementValue;
  target: unknown;
}

export interface RenderContext {
  /** People and bots by id; user pickers list the people (`isBot` false or absent). */
  users?: ReadonlyMap<string, { name: string; isBot?: boolean; deleted?: boolean }>;
  channels?: ReadonlyMap<string, { name: string }>;
  /** Mentions of the viewer are highlighted; dates are shown in the viewer's time zone. */
  viewer?: { id: string; tz?: string };
  /** "today" / "yesterday" and {ago} are relative to this, in ms. */
  now?: number;
  onButton?: (click: ButtonClick) => void;
  /** A select, radio button or checkbox changed in an actions block or accessory. */
  onSelect?: (change: ElementChange) => void;
  /** The state the page keeps for an element outside input blocks; undefined: its initial state. */
  stateOf?: (blockIndex: number, elementIndex: number) => ElementValue | undefined;
  /** Makes radio groups' names unique on the page (e.g. the message's ts). */
  scope?: string;
  /** Where a file shared in a message opens (`download` false) or downloads; without it file cards carry no links. */
  fileUrl?: (file: SharedFile, opts: { download: boolean }) => string;
}

/** A file as a message carries it (Slack's file object; the fields the page reads). */
export interface SharedFile {
  id: string;
  name?: string;
  title?: string;
  size?: number;
  mimetype?: string;
  filetype?: string;
  pretty_type?: string;
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
export const STATEFUL_ELEMENTS: ReadonlySet<string>;
export function optionsOf(element: unknown): Array<Record<string, unknown> & { value: string }>;
export function initialValue(element: unknown): ElementValue | undefined;
export function pickerPeople(ctx: RenderContext): Array<{ id: string; name: string }>;
export function elementValue(node: unknown): ElementValue | undefined;
export function renderBlock(block: unknown, ctx?: RenderContext, index?: number): VNode | null;
export function renderBlocks(blocks: unknown, ctx?: RenderContext): VNode[];
export function renderMessageContent(message: { text?: string; blocks?: unknown[]; files?: unknown[] }, ctx?: RenderContext): VNode[];
export function fileTypeName(file: Partial<SharedFile>): string;
export function formatFileSize(bytes: number): string;
export function renderFiles(files: unknown, ctx?: RenderContext): VNode | null;
export function toDom(node: Child, doc: DocumentLike): unknown;
export function toHtml(node: Child | Child[]): string;
export function toText(node: Child | Child[]): string;
