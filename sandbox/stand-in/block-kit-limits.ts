/** Block Kit and view limits as Slack enforces them, reported in Slack's `[ERROR] ... [json-pointer:...]` form. */

type Json = Record<string, unknown>;
type TextKinds = 'plain' | 'any';

/** Thrown internally so the walk can stop at the first problem, which is all Slack reports too. */
class BlockKitProblem extends Error {}

function fail(pointer: string, message: string): never {
  throw new BlockKitProblem(`[ERROR] ${message} [json-pointer:${pointer}]`);
}

function asObject(value: unknown, pointer: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(pointer, 'must provide an object');
  return value as Json;
}

function asArray(value: unknown, pointer: string, max: number, min = 0): unknown[] {
  if (!Array.isArray(value)) fail(pointer, 'must provide an array');
  if (value.length > max) fail(pointer, `no more than ${max} items allowed`);
  if (value.length < min) fail(pointer, `must provide at least ${min} items`);
  return value;
}

function required(o: Json, key: string, pointer: string): unknown {
  if (o[key] === undefined) fail(pointer, `missing required field: ${key}`);
  return o[key];
}

function checkString(value: unknown, pointer: string, max: number, min = 0): string {
  if (typeof value !== 'string') fail(pointer, 'must be a string');
  if (value.length > max) fail(pointer, `must be less than ${max + 1} characters`);
  if (value.length < min) fail(pointer, `must be more than ${min - 1} characters`);
  return value;
}

function optionalString(o: Json, key: string, pointer: string, max: number): void {
  if (o[key] !== undefined) checkString(o[key], `${pointer}/${key}`, max);
}

function checkText(value: unknown, pointer: string, max: number, kinds: TextKinds = 'any'): void {
  const o = asObject(value, pointer);
  if (o.type !== 'plain_text' && (kinds === 'plain' || o.type !== 'mrkdwn')) {
    fail(`${pointer}/type`, kinds === 'plain' ? 'must be plain_text' : 'must be one of plain_text, mrkdwn');
  }
  checkString(o.text, `${pointer}/text`, max, 1);
}

function optionalText(o: Json, key: string, pointer: string, max: number, kinds: TextKinds = 'any'): void {
  if (o[key] !== undefined) checkText(o[key], `${pointer}/${key}`, max, kinds);
}

function checkOption(value: unknown, pointer: string, kinds: TextKinds): void {
  const o = asObject(value, pointer);
  checkText(required(o, 'text', pointer), `${pointer}/text`, 75, kinds);
  checkString(required(o, 'value', pointer), `${pointer}/value`, 150);
  optionalText(o, 'description', pointer, 75, kinds);
  optionalString(o, 'url', pointer, 3000);
}

function checkOptions(value: unknown, pointer: string, max: number, min: number, kinds: TextKinds): void {
  asArray(value, pointer, max, min).forEach((opt, i) => checkOption(opt, `${pointer}/${i}`, kinds));
}

function checkConfirm(value: unknown, pointer: string): void {
  const o = asObject(value, pointer);
  checkText(required(o, 'title', pointer), `${pointer}/title`, 100, 'plain');
  checkText(required(o, 'text', pointer), `${pointer}/text`, 300);
  checkText(required(o, 'confirm', pointer), `${pointer}/confirm`, 30, 'plain');
  checkText(required(o, 'deny', pointer), `${pointer}/deny`, 30, 'plain');
}

const SELECTS = new Set([
  'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select',
  'multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select', 'multi_channels_select',
]);
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons'];
const TEXT_INPUTS = ['plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'rich_text_input', 'file_input'];

/** Which element types each place accepts; Slack rejects e.g. a text input inside an actions block. */
const ALLOWED = {
  actions: new Set([...SELECTS, ...PICKERS, 'button', 'overflow', 'workflow_button', 'rich_text_input']),
  accessory: new Set([...SELECTS, ...PICKERS, 'button', 'overflow', 'image', 'workflow_button']),
  input: new Set([...SELECTS, ...PICKERS, ...TEXT_INPUTS]),
};

function checkElement(value: unknown, pointer: string, place: keyof typeof ALLOWED, actionIds: Set<string>): void {
  const o = asObject(value, pointer);
  const type = required(o, 'type', pointer);
  if (typeof type !== 'string' || !ALLOWED[place].has(type)) fail(`${pointer}/type`, `unsupported type: ${String(type)}`);
  if (o.action_id !== undefined) {
    const id = checkString(o.action_id, `${pointer}/action_id`, 255);
    // Slack needs action_ids unique inside one block to tell interactions apart.
    if (actionIds.has(id)) fail(`${pointer}/action_id`, `duplicate action_id: ${id}`);
    actionIds.add(id);
  }
  if (o.confirm !== undefined) checkConfirm(o.confirm, `${pointer}/confirm`);
  optionalText(o, 'placeholder', pointer, 150, 'plain');

  if (type === 'button' || type === 'workflow_button') {
    checkText(required(o, 'text', pointer), `${pointer}/text`, 75, 'plain');
    optionalString(o, 'value', pointer, 2000);
    optionalString(o, 'url', pointer, 3000);
    if (o.style !== undefined && o.style !== 'primary' && o.style !== 'danger') fail(`${pointer}/style`, 'must be one of primary, danger');
  } else if (type === 'static_select' || type === 'multi_static_select') {
    if (o.options === undefined && o.option_groups === undefined) fail(pointer, 'must provide either options or option_groups');
    if (o.options !== undefined) checkOptions(o.options, `${pointer}/options`, 100, 1, 'plain');
    if (o.option_groups !== undefined) {
      asArray(o.option_groups, `${pointer}/option_groups`, 100, 1).forEach((g, i) => {
        const gp = `${pointer}/option_groups/${i}`;
        const group = asObject(g, gp);
        checkText(required(group, 'label', gp), `${gp}/label`, 75, 'plain');
        checkOptions(required(group, 'options', gp), `${gp}/options`, 100, 1, 'plain');
      });
    }
  } else if (type === 'overflow') {
    checkOptions(required(o, 'options', pointer), `${pointer}/options`, 5, 1, 'plain');
  } else if (type === 'radio_buttons' || type === 'checkboxes') {
    checkOptions(required(o, 'options', pointer), `${pointer}/options`, 10, 1, 'any');
  } else if (type === 'plain_text_input') {
    for (const key of ['max_length', 'min_length'] as const) {
      const n = o[key];
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 3000)) {
        fail(`${pointer}/${key}`, 'must be an integer between 0 and 3000');
      }
    }
    optionalString(o, 'initial_value', pointer, 3000);
  } else if (type === 'image') {
    if (o.image_url === undefined && o.slack_file === undefined) fail(pointer, 'missing required field: image_url');
    optionalString(o, 'image_url', pointer, 3000);
    checkString(required(o, 'alt_text', pointer), `${pointer}/alt_text`, 2000);
  }
}

function checkBlock(value: unknown, pointer: string, blockIds: Set<string>): void {
  const b = asObject(value, pointer);
  const type = required(b, 'type', pointer);
  if (b.block_id !== undefined) {
    const id = checkString(b.block_id, `${pointer}/block_id`, 255);
    if (blockIds.has(id)) fail(`${pointer}/block_id`, `duplicate block_id: ${id}`);
    blockIds.add(id);
  }
  const actionIds = new Set<string>();
  switch (type) {
    case 'divider':
      return;
    case 'section':
      if (b.text === undefined && b.fields === undefined) fail(pointer, 'missing required field: text');
      optionalText(b, 'text', pointer, 3000);
      if (b.fields !== undefined) {
        asArray(b.fields, `${pointer}/fields`, 10, 1).forEach((f, i) => checkText(f, `${pointer}/fields/${i}`, 2000));
      }
      if (b.accessory !== undefined) checkElement(b.accessory, `${pointer}/accessory`, 'accessory', actionIds);
      return;
    case 'header':
      checkText(required(b, 'text', pointer), `${pointer}/text`, 150, 'plain');
      return;
    case 'context':
      asArray(required(b, 'elements', pointer), `${pointer}/elements`, 10, 1).forEach((e, i) => {
        const ep = `${pointer}/elements/${i}`;
        if (asObject(e, ep).type === 'image') checkElement(e, ep, 'accessory', actionIds);
        else checkText(e, ep, 3000);
      });
      return;
    case 'actions':
      asArray(required(b, 'elements', pointer), `${pointer}/elements`, 25, 1).forEach((e, i) =>
        checkElement(e, `${pointer}/elements/${i}`, 'actions', actionIds),
      );
      return;
    case 'input':
      checkText(required(b, 'label', pointer), `${pointer}/label`, 2000, 'plain');
      checkElement(required(b, 'element', pointer), `${pointer}/element`, 'input', actionIds);
      optionalText(b, 'hint', pointer, 2000, 'plain');
      return;
    case 'image':
      if (b.image_url === undefined && b.slack_file === undefined) fail(pointer, 'missing required field: image_url');
      optionalString(b, 'image_url', pointer, 3000);
      checkString(required(b, 'alt_text', pointer), `${pointer}/alt_text`, 2000);
      optionalText(b, 'title', pointer, 2000, 'plain');
      return;
    case 'rich_text':
      asArray(required(b, 'elements', pointer), `${pointer}/elements`, Number.MAX_SAFE_INTEGER);
      return;
    case 'markdown':
      checkString(required(b, 'text', pointer), `${pointer}/text`, 12000, 1);
      return;
    case 'video':
      checkText(required(b, 'title', pointer), `${pointer}/title`, 200, 'plain');
      checkString(required(b, 'video_url', pointer), `${pointer}/video_url`, 3000);
      checkString(required(b, 'thumbnail_url', pointer), `${pointer}/thumbnail_url`, 3000);
      checkString(required(b, 'alt_text', pointer), `${pointer}/alt_text`, 2000);
      return;
    case 'file':
      checkString(required(b, 'external_id', pointer), `${pointer}/external_id`, 255);
      return;
    default:
      fail(`${pointer}/type`, `unsupported type: ${String(type)}`);
  }
}

function walkBlocks(blocks: unknown, pointer: string, maxBlocks: number): Json[] {
  const list = asArray(blocks, pointer, maxBlocks);
  const blockIds = new Set<string>();
  list.forEach((block, i) => checkBlock(block, `${pointer}/${i}`, blockIds));
  return list as Json[];
}

function firstProblem(walk: () => void): string | undefined {
  try {
    walk();
    return undefined;
  } catch (err) {
    if (err instanceof BlockKitProblem) return err.message;
    throw err;
  }
}

/** Messages carry at most 50 blocks; returns the first problem, or undefined when Slack would accept them. */
export function checkMessageBlocks(blocks: unknown): string | undefined {
  return firstProblem(() => walkBlocks(blocks, '/blocks', 50));
}

/** Modal and home views: 100 blocks, 24-char modal title/submit/close, submit required with inputs. */
export function checkView(view: unknown, expectedType?: 'modal' | 'home'): string | undefined {
  return firstProblem(() => {
    const v = asObject(view, '/view');
    const type = required(v, 'type', '/view');
    if (type !== 'modal' && type !== 'home') fail('/view/type', 'must be one of modal, home');
    if (expectedType !== undefined && type !== expectedType) fail('/view/type', `must be ${expectedType}`);
    const blocks = walkBlocks(required(v, 'blocks', '/view'), '/view/blocks', 100);
    optionalString(v, 'private_metadata', '/view', 3000);
    optionalString(v, 'callback_id', '/view', 255);
    optionalString(v, 'external_id', '/view', 255);
    if (type === 'modal') {
      checkText(required(v, 'title', '/view'), '/view/title', 24, 'plain');
      optionalText(v, 'close', '/view', 24, 'plain');
      optionalText(v, 'submit', '/view', 24, 'plain');
      if (v.submit === undefined && blocks.some((b) => b.type === 'input')) {
        fail('/view/submit', 'submit is required when an input block is within the blocks array');
      }
    }
  });
}
