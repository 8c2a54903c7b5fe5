/** Slack mrkdwn, dates and Block Kit turned into a small element tree; pure, so it runs in the browser and in Node tests. */

/**
 * The tree is plain data: a string is a text node, an element is { tag, attrs, on, children }. Only toDom() touches a
 * document, and it creates every node with createElement / createTextNode: message text never becomes markup.
 */

const TAGS = new Set([
  'a', 'b', 'blockquote', 'button', 'code', 'del', 'div', 'em', 'hr', 'i', 'input', 'label', 'optgroup', 'option', 'pre',
  'select', 'small', 'span', 'strong', 'textarea',
]);
const ATTRS = new Set([
  'class', 'href', 'title', 'type', 'placeholder', 'rows', 'name', 'value', 'role', 'target', 'rel', 'label',
  'id', 'for', 'tabindex', 'disabled', 'selected', 'checked', 'aria-label', 'aria-labelledby', 'aria-hidden', 'aria-live',
  'aria-modal', 'aria-current', 'aria-haspopup', 'aria-expanded',
]);
const SAFE_URL = /^(https?:|mailto:)/i;

/** An element of the tree; `on` holds event listeners (functions only), ignored by toHtml. */
export function h(tag, attrs = {}, ...children) {
  const { on, ...rest } = attrs;
  return { tag, attrs: rest, on: on ?? {}, children: children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false) };
}

export function isSafeUrl(url) {
  return typeof url === 'string' && SAFE_URL.test(url.trim());
}

/** Slack escapes exactly these three in mrkdwn; anything else that looks like an entity is shown as typed. */
export function decodeEntities(text) {
  return String(text).replace(/&(amp|lt|gt);/g, (_m, name) => (name === 'amp' ? '&' : name === 'lt' ? '<' : '>'));
}

// ---------------------------------------------------------------------------------------------------------------
// Dates: <!date^EPOCH^FORMAT^LINK|fallback>, shown in the reader's time zone.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = { Sun: 'Sunday', Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday' };

function ordinal(n) {
  const rem100 = n % 100;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** Calendar fields of a moment in a time zone; an unknown zone falls back to UTC rather than throwing. */
export function zonedParts(epochMs, timeZone) {
  let format;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone || 'UTC', year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short',
      hour: 'numeric', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
  } catch {
    return zonedParts(epochMs, 'UTC');
  }
  const parts = {};
  for (const p of format.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday: WEEKDAYS[parts.weekday] ?? parts.weekday,
    hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second),
  };
}

function dayNumber(p) {
  return Math.floor(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
}

function clock12(p, withSeconds) {
  const hour = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const mm = String(p.minute).padStart(2, '0');
  const ss = withSeconds ? `:${String(p.second).padStart(2, '0')}` : '';
  return `${hour}:${mm}${ss} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

function ago(epochMs, nowMs) {
  const diff = Math.round((nowMs - epochMs) / 1000);
  const abs = Math.abs(diff);
  const [n, unit] =
    abs < 60 ? [abs, 'second'] : abs < 3600 ? [Math.round(abs / 60), 'minute'] : abs < 86_400 ? [Math.round(abs / 3600), 'hour'] : [Math.round(abs / 86_400), 'day'];
  if (abs < 5) return 'just now';
  const phrase = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return diff >= 0 ? `${phrase} ago` : `in ${phrase}`;
}

/** Fills Slack's date tokens ({date_short_pretty}, {time}, …) for a reader in `timeZone`; unknown tokens stay as typed. */
export function formatSlackDate(epochSec, format, { timeZone = 'UTC', now = Date.now() } = {}) {
  const ms = epochSec * 1000;
  const p = zonedParts(ms, timeZone);
  const dayDiff = dayNumber(p) - dayNumber(zonedParts(now, timeZone));
  const relative = dayDiff === 0 ? 'today' : dayDiff === -1 ? 'yesterday' : dayDiff === 1 ? 'tomorrow' : null;
  const month = MONTHS[p.month - 1] ?? '';
  const tokens = {
    date_num: `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`,
    date_slash: `${String(p.month).padStart(2, '0')}/${String(p.day).padStart(2, '0')}/${p.year}`,
    date: `${month} ${ordinal(p.day)}, ${p.year}`,
    date_short: `${month.slice(0, 3)} ${p.day}, ${p.year}`,
    date_long: `${p.weekday}, ${month} ${ordinal(p.day)}, ${p.year}`,
    date_long_full: `${month} ${ordinal(p.day)}, ${p.year}`,
    time: clock12(p, false),
    time_secs: clock12(p, true),
    ago: ago(ms, now),
  };
  tokens.date_pretty = relative ?? tokens.date;
  tokens.date_short_pretty = relative ?? tokens.date_short;
  tokens.date_long_pretty = relative ?? tokens.date_long;
  return format.replace(/\{([a-z_]+)\}/g, (whole, name) => tokens[name] ?? whole);
}

/** A message's time as Slack shows it next to the author, in the reader's zone. */
export function formatTime(epochMs, timeZone) {
  return clock12(zonedParts(epochMs, timeZone), false);
}

// ---------------------------------------------------------------------------------------------------------------
// mrkdwn

function isWordChar(ch) {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** Where a `*`, `_` or `~` opened at `start` closes, or -1. References and code are skipped whole; spans stay on one line. */
function closingIndex(s, start, marker) {
  for (let k = start + 1; k < s.length; k++) {
    const ch = s[k];
    if (ch === '\n') return -1;
    if (ch === '<') {
      const end = s.indexOf('>', k);
      if (end !== -1) k = end;
      continue;
    }
    if (ch === '`') {
      const end = s.indexOf('`', k + 1);
      if (end !== -1 && !s.slice(k, end).includes('\n')) k = end;
      continue;
    }
    if (ch === marker && k > start + 1 && !/\s/.test(s[k - 1]) && !isWordChar(s[k + 1])) return k;
  }
  return -1;
}

function renderRef(inner, ctx) {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = ctx.users?.get(id)?.name ?? label ?? id;
    return h('span', { class: id === ctx.viewer?.id ? 'mention mention-self' : 'mention', title: id }, `@${name}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return h('span', { class: 'channel-ref', title: id }, `#${ctx.channels?.get(id)?.name ?? label ?? id}`);
  }
  if (target.startsWith('!')) {
    const command = target.slice(1);
    if (command === 'here' || command === 'channel' || command === 'everyone') {
      return h('span', { class: 'mention mention-broadcast' }, `@${command}`);
    }
    if (command.startsWith('date^')) {
      const [, epoch, format = '', link] = command.split('^');
      const seconds = Number(epoch);
      if (!/^-?\d+$/.test(epoch ?? '')) return label ?? '';
      const text = formatSlackDate(seconds, decodeEntities(format), { timeZone: ctx.viewer?.tz, now: ctx.now });
      const title = label ? `${label} (${new Date(seconds * 1000).toISOString()})` : new Date(seconds * 1000).toISOString();
      const url = link ? decodeEntities(link) : '';
      return isSafeUrl(url)
        ? h('a', { class: 'date', href: url, title, target: '_blank', rel: 'noopener noreferrer' }, text)
        : h('span', { class: 'date', title }, text);
    }
    if (command.startsWith('subteam^')) return h('span', { class: 'mention' }, label ?? '@group');
    return label ?? '';
  }
  const url = decodeEntities(target);
  // Slack's desktop client formats a link's label (`<url|*bold*>`); its Android client shows such links as plain text.
  if (!isSafeUrl(url)) return bar === -1 ? url : h('span', {}, renderInline(inner.slice(bar + 1), ctx));
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, bar === -1 ? url : renderInline(inner.slice(bar + 1), ctx));
}

function renderInline(s, ctx) {
  const out = [];
  let text = '';
  const flush = () => {
    if (text) out.push(decodeEntities(text));
    text = '';
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '<') {
      const end = s.indexOf('>', i);
      const inner = end === -1 ? null : s.slice(i + 1, end);
      if (inner !== null && !inner.includes('<')) {
        flush();
        out.push(renderRef(inner, ctx));
        i = end;
        continue;
      }
    }
    if (ch === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1 && !s.slice(i, end).includes('\n')) {
        flush();
        out.push(h('code', {}, decodeEntities(s.slice(i + 1, end))));
        i = end;
        continue;
      }
    }
    if ((ch === '*' || ch === '_' || ch === '~') && !isWordChar(s[i - 1]) && s[i - 1] !== ch && s[i + 1] !== undefined && !/\s/.test(s[i + 1])) {
      const end = closingIndex(s, i, ch);
      if (end !== -1) {
        flush();
        const tag = ch === '*' ? 'strong' : ch === '_' ? 'em' : 'del';
        out.push(h(tag, {}, renderInline(s.slice(i + 1, end), ctx)));
        i = end;
        continue;
      }
    }
    text += ch;
  }
  flush();
  return out;
}

/** Lines starting with `>` (sent as `&gt;`) are a quote, as in Slack. */
function renderLines(s, ctx) {
  const out = [];
  let plain = [];
  let quote = [];
  const flushPlain = () => {
    if (plain.length) out.push(...renderInline(plain.join('\n'), ctx));
    plain = [];
  };
  const flushQuote = () => {
    if (quote.length) out.push(h('blockquote', {}, renderInline(quote.join('\n'), ctx)));
    quote = [];
  };
  for (const line of s.split('\n')) {
    const match = /^&gt;\s?(.*)$/.exec(line);
    if (match) {
      flushPlain();
      quote.push(match[1]);
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushPlain();
  flushQuote();
  return out;
}

/** mrkdwn text as nodes: bold, italic, strike, code, preformatted, quotes, links, mentions, dates; entities decoded. */
export function mrkdwn(text, ctx = {}) {
  const out = [];
  const source = String(text ?? '');
  const fence = /```([\s\S]*?)```/g;
  let last = 0;
  for (const match of source.matchAll(fence)) {
    if (match.index > last) out.push(...renderLines(source.slice(last, match.index), ctx));
    out.push(h('pre', {}, decodeEntities(match[1].replace(/^\n/, ''))));
    last = match.index + match[0].length;
  }
  if (last < source.length) out.push(...renderLines(source.slice(last), ctx));
  return out;
}

/** A text object: mrkdwn is parsed, plain_text is shown exactly as sent (Slack does not decode it). */
export function textObject(obj, ctx = {}) {
  if (!obj || typeof obj !== 'object') return [];
  if (obj.type === 'mrkdwn') return mrkdwn(obj.text, ctx);
  return [String(obj.text ?? '')];
}

// ---------------------------------------------------------------------------------------------------------------
// Block Kit

function unsupported(what) {
  return h('div', { class: 'unsupported', title: 'The sandbox page does not render this yet' }, `[${what} is not shown in the sandbox]`);
}

function button(element, ctx, blockIndex, elementIndex) {
  const style = element.style === 'primary' ? ' btn-primary' : element.style === 'danger' ? ' btn-danger' : '';
  // A button with a `url` is a link in Slack: a click opens it, and the app still gets block_actions for the click.
  const link = isSafeUrl(element.url);
  const attrs = link
    ? { class: `btn btn-link${style}`, href: element.url.trim(), target: '_blank', rel: 'noopener noreferrer', title: element.action_id ?? '' }
    : { class: `btn${style}`, type: 'button', title: element.action_id ?? '' };
  if (element.action_id) attrs['data-action-id'] = element.action_id;
  if (ctx.onButton) {
    attrs.on = {
      click: (event) => {
        // With a confirm the link waits: the page opens it once the person confirms.
        if (link && element.confirm) event.preventDefault?.();
        ctx.onButton({ element, blockIndex, elementIndex, target: event.currentTarget });
      },
    };
  }
  return h(link ? 'a' : 'button', attrs, textObject(element.text, ctx));
}

/** Elements whose state Slack keeps and sends: in `view.state.values` on submission, and in `state` with block_actions. */
export const STATEFUL_ELEMENTS = new Set(['plain_text_input', 'static_select', 'users_select', 'multi_users_select', 'radio_buttons', 'checkboxes']);

/** Every option of a static_select (options, or the options of its groups), radio_buttons or checkboxes. */
export function optionsOf(el) {
  const groups = Array.isArray(el?.option_groups) ? el.option_groups.flatMap((g) => (Array.isArray(g?.options) ? g.options : [])) : [];
  return [...(Array.isArray(el?.options) ? el.options : []), ...groups].filter((o) => o && typeof o === 'object' && typeof o.value === 'string');
}

/**
 * The state an element starts with, in the page's own form: text or an option's value or a user id (null for
 * nothing), or a list for checkboxes and multi-selects. `initial_option(s)` and `initial_user(s)` as the app sent them.
 */
export function initialValue(el) {
  switch (el?.type) {
    case 'plain_text_input':
      return typeof el.initial_value === 'string' ? el.initial_value : null;
    case 'static_select':
    case 'radio_buttons':
      return typeof el.initial_option?.value === 'string' ? el.initial_option.value : null;
    case 'checkboxes':
      return Array.isArray(el.initial_options) ? el.initial_options.map((o) => o?.value).filter((v) => typeof v === 'string') : [];
    case 'users_select':
      return typeof el.initial_user === 'string' ? el.initial_user : null;
    case 'multi_users_select':
      return Array.isArray(el.initial_users) ? el.initial_users.filter((v) => typeof v === 'string') : [];
    default:
      return undefined;
  }
}

/** Who a user picker lists: the people the page knows, in the workspace's order; bots and apps are not offered. */
export function pickerPeople(ctx) {
  const out = [];
  for (const [id, u] of ctx.users ?? []) if (!u?.isBot && !u?.deleted) out.push({ id, name: u?.name ?? id });
  return out;
}

/** `max_selected_items` of a multi-select, or Infinity without one. */
function maxSelected(el) {
  return Number.isInteger(el.max_selected_items) && el.max_selected_items > 0 ? el.max_selected_items : Infinity;
}

function choices(el, ctx, place, value, kind) {
  const chosen = new Set(kind === 'checkbox' ? (Array.isArray(value) ? value : []) : value === null || value === undefined ? [] : [value]);
  const onChange = place.report
    ? {
        change: (event) => {
          const input = event.currentTarget;
          place.report(kind === 'checkbox' ? elementValue(input.closest('[data-element]')) : input.value, input);
        },
      }
    : {};
  return h(
    'div',
    {
      ...place.base, class: `choices choices-${kind}`, role: kind === 'checkbox' ? 'group' : 'radiogroup',
      ...(place.labelId ? { 'aria-labelledby': place.labelId } : { 'aria-label': el.action_id ?? kind }),
    },
    optionsOf(el).map((o) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: kind, name: place.name, value: o.value, ...(chosen.has(o.value) ? { checked: 'checked' } : {}), on: onChange }),
        h(
          'span',
          { class: 'choice-body' },
          h('span', { class: 'choice-text' }, textObject(o.text, ctx)),
          o.description ? h('span', { class: 'choice-description' }, textObject(o.description, ctx)) : null,
        ),
      ),
    ),
  );
}

function selectMenu(el, ctx, place, value, options) {
  const groups = Array.isArray(el.option_groups) ? el.option_groups.filter((g) => g && typeof g === 'object') : [];
  const option = (o) => h('option', { value: o.value, ...(o.value === value ? { selected: 'selected' } : {}) }, String(o.text?.text ?? o.value));
  const placeholder = el.placeholder?.text ?? (el.type === 'users_select' ? 'Select a person' : 'Select an item');
  return h(
    'select',
    {
      ...place.base, class: 'input select', ...(place.labelId ? {} : { 'aria-label': placeholder }),
      ...(place.report ? { on: { change: (event) => place.report(event.currentTarget.value === '' ? null : event.currentTarget.value, event.currentTarget) } } : {}),
    },
    h('option', { value: '', ...(value === null || value === undefined ? { selected: 'selected' } : {}) }, placeholder),
    options.map(option),
    groups.map((g) => h('optgroup', { label: String(g.label?.text ?? '') }, (Array.isArray(g.options) ? g.options : []).map(option))),
  );
}

/**
 * Slack's multi-select of people: the chosen ones as chips (each with a remove button), then a menu of the others.
 * Picking or removing someone redraws the widget in place; at `max_selected_items` the menu offers nobody more.
 */
function multiUsers(el, ctx, place, selected) {
  const people = pickerPeople(ctx);
  const nameOf = (id) => ctx.users?.get(id)?.name ?? id;
  const max = maxSelected(el);
  const full = selected.length >= max;
  const remaining = people.filter((p) => !selected.includes(p.id));
  const redraw = (next, from) => {
    const root = from.closest('[data-element]');
    const fresh = toDom(multiUsers(el, ctx, place, next), root.ownerDocument);
    root.replaceWith(fresh);
    (fresh.querySelector('select:not([disabled])') ?? fresh.querySelector('.chip-remove'))?.focus();
    place.report?.(next, fresh);
  };
  const placeholder = full ? `Up to ${max}: remove someone to pick another` : (el.placeholder?.text ?? 'Select people');
  return h(
    'div',
    {
      'data-element': el.type, 'data-block-id': place.base['data-block-id'], 'data-action-id': place.base['data-action-id'], class: 'multi-select',
      role: 'group', ...(Number.isFinite(max) ? { 'data-max-selected-items': String(max) } : {}),
      ...(place.labelId ? { 'aria-labelledby': place.labelId } : { 'aria-label': placeholder }),
    },
    selected.length > 0
      ? h(
          'div',
          { class: 'chips' },
          selected.map((id) =>
            h(
              'span',
              { class: 'chip', 'data-value': id, title: id },
              h('span', { class: 'chip-name' }, nameOf(id)),
              h('button', { class: 'chip-remove', type: 'button', 'aria-label': `Remove ${nameOf(id)}`, on: { click: (event) => redraw(selected.filter((x) => x !== id), event.currentTarget) } }, '\u00d7'),
            ),
          ),
        )
      : null,
    h(
      'select',
      {
        class: 'input select multi-add', ...(place.base.id ? { id: place.base.id } : { 'aria-label': placeholder }),
        ...(full || remaining.length === 0 ? { disabled: 'disabled' } : {}),
        on: { change: (event) => event.currentTarget.value && redraw([...selected, event.currentTarget.value], event.currentTarget) },
      },
      h('option', { value: '', selected: 'selected' }, placeholder),
      remaining.map((p) => h('option', { value: p.id }, p.name)),
    ),
    Number.isFinite(max) ? h('div', { class: 'multi-limit' }, `${selected.length} of at most ${max}`) : null,
  );
}

/**
 * A stateful element, in an input block (`place.input`) or in an actions block or section accessory. Outside input
 * blocks a change is reported through `ctx.onSelect`, as Slack sends block_actions for it at once; the page keeps
 * the state and gives it back through `ctx.stateOf`.
 */
function statefulElement(el, ctx, place) {
  const blockId = String(place.block?.block_id ?? '');
  const remembered = place.input ? undefined : ctx.stateOf?.(place.blockIndex, place.elementIndex);
  const value = remembered !== undefined ? remembered : initialValue(el);
  const full = {
    ...place,
    name: `${ctx.scope ?? 'view'}:${place.blockIndex}:${place.elementIndex}`,
    labelId: place.input ? `label-${blockId}` : undefined,
    base: { 'data-block-id': blockId, 'data-action-id': el.action_id ?? '', ...(place.input ? { id: `input-${blockId}` } : {}), 'data-element': el.type },
    report:
      !place.input && ctx.onSelect
        ? (next, target) => ctx.onSelect({ element: el, blockIndex: place.blockIndex, elementIndex: place.elementIndex, value: next, target })
        : undefined,
  };
  switch (el.type) {
    case 'plain_text_input': {
      if (!place.input) return unsupported(`A ${el.type} element`);
      const attrs = { ...full.base, class: el.multiline ? 'input input-multiline' : 'input', placeholder: el.placeholder?.text ?? '' };
      // No maxlength attribute: the browser would cut a longer paste silently. Slack takes the whole text and refuses
      // it on submit with an error under the input (the platform's form check), leaving the text in place to be shortened.
      if (typeof el.max_length === 'number') attrs['data-max-length'] = String(el.max_length);
      if (typeof el.min_length === 'number') attrs['data-min-length'] = String(el.min_length);
      if (el.multiline) return h('textarea', { ...attrs, rows: '4' }, value ?? '');
      return h('input', { ...attrs, type: 'text', value: value ?? '' });
    }
    case 'static_select':
      return selectMenu(el, ctx, full, value, Array.isArray(el.options) ? el.options.filter((o) => o && typeof o === 'object') : []);
    case 'users_select': {
      const people = pickerPeople(ctx).map((p) => ({ value: p.id, text: { text: p.name } }));
      // An initial_user the page does not list (another workspace, a bot) is still shown as chosen.
      if (typeof value === 'string' && !people.some((p) => p.value === value)) people.unshift({ value, text: { text: ctx.users?.get(value)?.name ?? value } });
      return selectMenu(el, ctx, full, value, people);
    }
    case 'multi_users_select':
      return multiUsers(el, ctx, full, Array.isArray(value) ? value : []);
    case 'radio_buttons':
      return choices(el, ctx, full, value, 'radio');
    case 'checkboxes':
      return choices(el, ctx, full, value, 'checkbox');
    default:
      return unsupported(`A ${el.type} element`);
  }
}

/**
 * What an element rendered by statefulElement holds now, read from the DOM (any DOM: the page's, or a test's): text,
 * an option value or user id (null for nothing), or a list for checkboxes and multi-selects.
 */
export function elementValue(node) {
  const type = node?.getAttribute?.('data-element') ?? node?.dataset?.element;
  switch (type) {
    case 'plain_text_input':
      return node.value === '' ? null : node.value;
    case 'static_select':
    case 'users_select':
      return node.value === '' ? null : node.value;
    case 'radio_buttons':
      return node.querySelector('input:checked')?.value ?? null;
    case 'checkboxes':
      return [...node.querySelectorAll('input:checked')].map((input) => input.value);
    case 'multi_users_select':
      return [...node.querySelectorAll('.chip[data-value]')].map((chip) => chip.getAttribute('data-value'));
    default:
      return undefined;
  }
}

function element(el, ctx, block, blockIndex, elementIndex) {
  if (!el || typeof el !== 'object') return null;
  if (el.type === 'button') return button(el, ctx, blockIndex, elementIndex);
  if (el.type === 'image') return h('span', { class: 'image-placeholder', title: el.image_url ?? '' }, el.alt_text ?? 'image');
  // Slack allows these in actions blocks and as a section's accessory (not plain_text_input, which needs an input block).
  if (STATEFUL_ELEMENTS.has(el.type) && el.type !== 'plain_text_input') return statefulElement(el, ctx, { block, blockIndex, elementIndex, input: false });
  return unsupported(`A ${el.type} element`);
}

function inputElement(block, ctx, index) {
  const el = block.element ?? {};
  if (STATEFUL_ELEMENTS.has(el.type)) return statefulElement(el, ctx, { block, blockIndex: index, elementIndex: -1, input: true });
  return unsupported(`A ${el.type} input`);
}

/** One block; `index` addresses it when a button in it is clicked. */
export function renderBlock(block, ctx = {}, index = 0) {
  if (!block || typeof block !== 'object') return null;
  const cls = `block block-${block.type}`;
  switch (block.type) {
    case 'header':
      return h('div', { class: cls }, textObject(block.text, ctx));
    case 'section': {
      const main = [];
      if (block.text) main.push(h('div', { class: 'section-text' }, textObject(block.text, ctx)));
      if (Array.isArray(block.fields)) main.push(h('div', { class: 'section-fields' }, block.fields.map((f) => h('div', { class: 'section-field' }, textObject(f, ctx)))));
      return h(
        'div',
        { class: cls },
        h('div', { class: 'section-main' }, main),
        block.accessory ? h('div', { class: 'section-accessory' }, element(block.accessory, ctx, block, index, -1)) : null,
      );
    }
    case 'context':
      return h(
        'div',
        { class: cls },
        (block.elements ?? []).map((e) =>
          e?.type === 'image'
            ? h('span', { class: 'context-item image-placeholder', title: e.image_url ?? '' }, e.alt_text ?? 'image')
            : h('span', { class: 'context-item' }, textObject(e, ctx)),
        ),
      );
    case 'divider':
      return h('hr', { class: cls });
    case 'actions':
      return h('div', { class: cls }, (block.elements ?? []).map((e, i) => element(e, ctx, block, index, i)));
    case 'input':
      return h(
        'div',
        { class: cls, 'data-block-id': block.block_id ?? '' },
        h(
          'label',
          { class: 'input-label', for: `input-${block.block_id ?? ''}`, id: `label-${block.block_id ?? ''}` },
          textObject(block.label, ctx),
          block.optional ? h('span', { class: 'optional' }, ' (optional)') : null,
        ),
        inputElement(block, ctx, index),
        block.hint ? h('div', { class: 'input-hint' }, textObject(block.hint, ctx)) : null,
        h('div', { class: 'input-error', 'data-error-for': block.block_id ?? '', role: 'alert', 'aria-live': 'polite' }),
      );
    case 'image':
      return h('div', { class: cls }, block.title ? h('div', { class: 'image-title' }, textObject(block.title, ctx)) : null, h('div', { class: 'image-placeholder' }, block.alt_text ?? 'image'));
    case 'markdown':
      return h('div', { class: `${cls} plain` }, String(block.text ?? ''));
    default:
      return unsupported(`A ${String(block.type)} block`);
  }
}

export function renderBlocks(blocks, ctx = {}) {
  return (Array.isArray(blocks) ? blocks : []).map((b, i) => renderBlock(b, ctx, i)).filter(Boolean);
}

/**
 * A message body: its blocks when it has any (as Slack shows them), otherwise its text as mrkdwn; then a card for each
 * file it carries (files.completeUploadExternal), as Slack shows them under the message.
 */
export function renderMessageContent(message, ctx = {}) {
  const body =
    Array.isArray(message.blocks) && message.blocks.length > 0
      ? renderBlocks(message.blocks, ctx)
      : // A message that only carries files has no text to show (files.completeUploadExternal without initial_comment).
        message.text || !Array.isArray(message.files) || message.files.length === 0
        ? [h('div', { class: 'message-text' }, mrkdwn(message.text ?? '', ctx))]
        : [];
  const files = renderFiles(message.files, ctx);
  return files ? [...body, files] : body;
}

// ---------------------------------------------------------------------------------------------------------------
// Files shared in a message

/** What Slack calls a file's type under its name, by `filetype` (Slack's names, or an extension). */
const FILE_TYPE_NAMES = {
  md: 'Markdown', markdown: 'Markdown', csv: 'CSV', tsv: 'TSV', txt: 'Plain Text', text: 'Plain Text', json: 'JSON', png: 'PNG',
  jpg: 'JPEG', jpeg: 'JPEG', gif: 'GIF', pdf: 'PDF', html: 'HTML', xml: 'XML', yaml: 'YAML', yml: 'YAML', zip: 'Zip',
};
/** The same by `mimetype`, for a file whose filetype says nothing (`binary`, or absent). */
const MIME_TYPE_NAMES = {
  'text/markdown': 'Markdown', 'text/csv': 'CSV', 'text/tab-separated-values': 'TSV', 'text/plain': 'Plain Text', 'application/json': 'JSON',
  'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'application/pdf': 'PDF', 'text/html': 'HTML', 'application/zip': 'Zip',
};

function extensionOf(name) {
  return /\.([A-Za-z0-9]{1,10})$/.exec(typeof name === 'string' ? name : '')?.[1]?.toLowerCase() ?? '';
}

/** "Markdown", "CSV", …: from Slack's `pretty_type`, the `filetype`, the `mimetype`, then the name's extension. */
export function fileTypeName(file) {
  if (typeof file?.pretty_type === 'string' && file.pretty_type !== '') return file.pretty_type;
  const filetype = typeof file?.filetype === 'string' ? file.filetype.toLowerCase() : '';
  const mimetype = typeof file?.mimetype === 'string' ? file.mimetype.split(';')[0].trim().toLowerCase() : '';
  const ext = extensionOf(file?.name);
  // Own keys only: a filetype such as "constructor" is not a name.
  const known = (table, key) => (key !== '' && Object.hasOwn(table, key) ? table[key] : undefined);
  return known(FILE_TYPE_NAMES, filetype) ?? known(MIME_TYPE_NAMES, mimetype) ?? known(FILE_TYPE_NAMES, ext) ?? (ext ? ext.toUpperCase() : 'File');
}

/** A file's size for its card: B, then KB and MB (of 1024), with one decimal under 10. */
export function formatFileSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  const [value, unit] = n < 1024 * 1024 ? [n / 1024, 'KB'] : [n / (1024 * 1024), 'MB'];
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${unit}`;
}

/**
 * One card per file: its title (the file name when it has none), type and size, and, where the page gives
 * `ctx.fileUrl`, links that open and download its content. Every string is text: a title never becomes markup.
 */
export function renderFiles(files, ctx = {}) {
  const cards = (Array.isArray(files) ? files : []).filter((f) => f && typeof f === 'object').map((f) => fileCard(f, ctx));
  if (cards.length === 0) return null;
  return h('div', { class: 'message-files' }, cards);
}

function fileCard(file, ctx) {
  const name = typeof file.name === 'string' && file.name !== '' ? file.name : 'file';
  const title = typeof file.title === 'string' && file.title !== '' ? file.title : name;
  const type = fileTypeName(file);
  const size = formatFileSize(file.size);
  const link = (download) => (typeof ctx.fileUrl === 'function' && typeof file.id === 'string' ? ctx.fileUrl(file, { download }) : undefined);
  const open = link(false);
  const save = link(true);
  const ext = extensionOf(name);
  const label = ext ? ext.slice(0, 4).toUpperCase() : 'FILE';
  const heading = isSafeUrl(open)
    ? h('a', { class: 'file-title', href: open, target: '_blank', rel: 'noopener noreferrer', title: `Open ${name}` }, title)
    : h('span', { class: 'file-title', title: name }, title);
  return h(
    'div',
    { class: 'file-card', ...(typeof file.id === 'string' ? { 'data-file-id': file.id } : {}) },
    h('span', { class: `file-icon file-icon-${ext || 'file'}`, 'aria-hidden': 'true' }, label),
    h(
      'div',
      { class: 'file-info' },
      heading,
      title === name ? null : h('div', { class: 'file-name', title: name }, name),
      h('div', { class: 'file-meta' }, type, size ? ` \u00b7 ${size}` : ''),
    ),
    isSafeUrl(save)
      ? h('a', { class: 'file-download', href: save, title: `Download ${name}`, 'aria-label': `Download ${name}` }, 'Download')
      : null,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Output

function setAttribute(el, name, value) {
  if (name.startsWith('data-') ? !/^data-[a-z0-9-]+$/.test(name) : !ATTRS.has(name)) return;
  if (name === 'href' && !isSafeUrl(value)) return;
  if (name === 'value' && 'value' in el) {
    el.value = String(value);
    return;
  }
  if (name === 'selected') {
    el.selected = true;
    return;
  }
  if (name === 'checked') {
    el.checked = true;
    el.setAttribute('checked', '');
    return;
  }
  el.setAttribute(name, String(value));
}

/** Builds real DOM nodes with createElement/textContent only. */
export function toDom(node, doc) {
  if (typeof node === 'string' || typeof node === 'number') return doc.createTextNode(String(node));
  const tag = TAGS.has(node.tag) ? node.tag : 'span';
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(node.attrs ?? {})) if (value !== undefined && value !== null) setAttribute(el, name, value);
  for (const [type, listener] of Object.entries(node.on ?? {})) if (typeof listener === 'function') el.addEventListener(type, listener);
  if (tag === 'textarea') el.value = node.children.join('');
  else for (const child of node.children) el.append(toDom(child, doc));
  return el;
}

function escapeHtml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Serialises the tree as escaped HTML, applying the same tag and attribute rules as toDom (used by tests). */
export function toHtml(node) {
  if (Array.isArray(node)) return node.map(toHtml).join('');
  if (typeof node === 'string' || typeof node === 'number') return escapeHtml(node);
  const tag = TAGS.has(node.tag) ? node.tag : 'span';
  const attrs = Object.entries(node.attrs ?? {})
    .filter(([name, value]) => value !== undefined && value !== null && (name.startsWith('data-') ? /^data-[a-z0-9-]+$/.test(name) : ATTRS.has(name)))
    .filter(([name, value]) => name !== 'href' || isSafeUrl(value))
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
  if (tag === 'hr' || tag === 'input') return `<${tag}${attrs}>`;
  return `<${tag}${attrs}>${node.children.map(toHtml).join('')}</${tag}>`;
}

/** The visible text of a tree, as a reader would copy it. */
export function toText(node) {
  if (Array.isArray(node)) return node.map(toText).join('');
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  return node.children.map(toText).join('');
}
