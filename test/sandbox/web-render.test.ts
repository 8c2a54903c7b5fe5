/** The sandbox page's renderer (sandbox/web/render.js) in Node: mrkdwn, dates in the reader's zone, Block Kit, and safety. */
import { describe, expect, it } from 'vitest';
import {
  decodeEntities,
  elementValue,
  fileTypeName,
  formatFileSize,
  formatSlackDate,
  initialValue,
  mrkdwn,
  pickerPeople,
  renderBlock,
  renderBlocks,
  renderMessageContent,
  toDom,
  toHtml,
  toText,
} from '../../sandbox/web/render.js';
import type { Child, ElementChange, RenderContext, VNode } from '../../sandbox/web/render.js';
import { PROMPTS } from '../../src/domain/prompts.ts';
import { RECOMMENDATIONS, RED_FLAGS, RUBRIC } from '../../src/domain/scorecard.ts';
import { renderNoteModal } from '../../src/slack/views/note-modal.ts';
import { CLEAR_VALUE, renderScorecardModal } from '../../src/slack/views/scorecard-modal.ts';
import { renderStartModal } from '../../src/slack/views/start-modal.ts';

const users = new Map([
  ['U0ALICE', { name: 'alice' }],
  ['U0BOB', { name: 'bob' }],
]);
const channels = new Map([['C0GENERAL', { name: 'general' }]]);
/** 2023-11-14T22:13:20Z */
const EPOCH = 1_700_000_000;
const ctx: RenderContext = { users, channels, viewer: { id: 'U0ALICE', tz: 'Europe/London' }, now: EPOCH * 1000 };

const html = (text: string, c: RenderContext = ctx) => toHtml(mrkdwn(text, c));

describe('mrkdwn', () => {
  it('renders bold, italic, strike, code and preformatted text', () => {
    expect(html('*bold* _italic_ ~strike~ `code`')).toBe('<strong>bold</strong> <em>italic</em> <del>strike</del> <code>code</code>');
    expect(html('```\nconst a = 1;\n*not bold*```')).toBe('<pre>const a = 1;\n*not bold*</pre>');
    expect(html('*Topic:* a _b_ `*c*`')).toBe('<strong>Topic:</strong> a <em>b</em> <code>*c*</code>');
  });

  it('leaves markers inside words and unclosed markers alone', () => {
    expect(html('snake_case_name 2*3*4 a * b *')).toBe('snake_case_name 2*3*4 a * b *');
    expect(html('*spans\nlines*')).toBe('*spans\nlines*');
  });

  it('renders links, and only http(s) and mailto as links', () => {
    expect(html('<https://example.com/a?b=1&amp;c=2|the docs>')).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>',
    );
    expect(html('<https://example.com>')).toContain('>https://example.com</a>');
    expect(html('<javascript:alert(1)|click me>')).toBe('<span>click me</span>');
    expect(html('<https://example.com|*Design* &amp; more>')).toBe(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer"><strong>Design</strong> &amp; more</a>',
    );
    expect(html('<data:text/html,x>')).toBe('data:text/html,x');
  });

  it('shows user and channel references by name, and highlights the viewer, @here and @channel', () => {
    expect(html('<@U0BOB> <@U0ALICE> <@U0NOBODY|someone> <#C0GENERAL> <#C0OTHER|other>')).toBe(
      '<span class="mention" title="U0BOB">@bob</span> <span class="mention mention-self" title="U0ALICE">@alice</span> ' +
        '<span class="mention" title="U0NOBODY">@someone</span> <span class="channel-ref" title="C0GENERAL">#general</span> ' +
        '<span class="channel-ref" title="C0OTHER">#other</span>',
    );
    expect(html('<!here> <!channel> <!everyone>')).toBe(
      '<span class="mention mention-broadcast">@here</span> <span class="mention mention-broadcast">@channel</span> <span class="mention mention-broadcast">@everyone</span>',
    );
  });

  it('decodes &amp; &lt; &gt; once for display, and nothing else', () => {
    expect(toText(mrkdwn('Requirements &amp; scope &lt;3 &amp;lt; &quot;'))).toBe('Requirements & scope <3 &lt; &quot;');
    expect(decodeEntities('&amp;amp;')).toBe('&amp;');
  });

  it('keeps escaped <script> and <!channel> as text: no markup, no mention', () => {
    const nodes = mrkdwn('&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &lt;@U0BOB&gt; <b onclick="x">');
    expect(toText(nodes)).toBe('<script>alert(1)</script> <!channel> <@U0BOB> b onclick="x"');
    const out = toHtml(nodes);
    expect(out).not.toMatch(/<script|<b[ >]|<[a-z]+ onclick/);
    expect(out).not.toContain('mention');
    expect(nodes.every((n) => typeof n === 'string')).toBe(true);
  });

  it('quotes lines that start with >', () => {
    expect(html('&gt; quoted *text*\nnot quoted')).toBe('<blockquote>quoted <strong>text</strong></blockquote>not quoted');
  });
});

describe('dates', () => {
  it('formats <!date> in the viewer\u2019s time zone', () => {
    const text = `<!date^${EPOCH}^{date_short_pretty} {time}|2023-11-14 22:13 UTC>`;
    // Six hours earlier it is still the 14th everywhere below, but already the 15th's evening before in Kolkata.
    const now = (EPOCH - 6 * 3600) * 1000;
    const at = (tz: string) => toText(mrkdwn(text, { ...ctx, now, viewer: { id: 'U0ALICE', tz } }));
    expect(at('Europe/London')).toBe('today 10:13 PM');
    expect(at('Asia/Kolkata')).toBe('tomorrow 3:43 AM');
    expect(toText(mrkdwn(text, { ...ctx, now: (EPOCH - 3 * 86_400) * 1000, viewer: { id: 'U0CAROL', tz: 'Asia/Kolkata' } }))).toBe('Nov 15, 2023 3:43 AM');
    expect(at('America/New_York')).toBe('today 5:13 PM');
    expect(at('America/Los_Angeles')).toBe('today 2:13 PM');
  });

  it('fills every token Slack documents and leaves unknown ones as typed', () => {
    const opts = { timeZone: 'UTC', now: (EPOCH + 86_400) * 1000 };
    expect(formatSlackDate(EPOCH, '{date_num} {date_slash} {time_secs}', opts)).toBe('2023-11-14 11/14/2023 10:13:20 PM');
    expect(formatSlackDate(EPOCH, '{date} | {date_short} | {date_long}', opts)).toBe(
      'November 14th, 2023 | Nov 14, 2023 | Tuesday, November 14th, 2023',
    );
    expect(formatSlackDate(EPOCH, '{date_pretty} {date_long_pretty} {ago}', opts)).toBe('yesterday yesterday 1 day ago');
    expect(formatSlackDate(EPOCH, '{nope}', opts)).toBe('{nope}');
    expect(formatSlackDate(EPOCH, '{time}', { timeZone: 'Not/AZone', now: 0 })).toBe('10:13 PM');
  });

  it('shows the fallback for a malformed date, and links a date only to a safe URL', () => {
    expect(toText(mrkdwn('<!date^soon^{time}|whenever>', ctx))).toBe('whenever');
    expect(html(`<!date^${EPOCH}^{time}^https://example.com|x>`)).toContain('href="https://example.com"');
    expect(html(`<!date^${EPOCH}^{time}^javascript:alert(1)|x>`)).not.toContain('href');
  });
});

describe('Block Kit', () => {
  it('renders the blocks the app uses', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Phase 1 of 4 · Requirements & scope' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*2 min*, until x' }, fields: [{ type: 'mrkdwn', text: '*A*' }, { type: 'plain_text', text: '*B*' }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '_ctx_' }, { type: 'plain_text', text: 'plain &amp;' }] },
      { type: 'divider' },
    ];
    const out = toHtml(renderBlocks(blocks, ctx));
    expect(out).toContain('<div class="block block-header">Phase 1 of 4 · Requirements &amp; scope</div>');
    expect(out).toContain('<div class="section-field"><strong>A</strong></div><div class="section-field">*B*</div>');
    // plain_text is shown exactly as sent: Slack does not decode entities in it.
    expect(out).toContain('<span class="context-item"><em>ctx</em></span><span class="context-item">plain &amp;amp;</span>');
    expect(out).toContain('<hr class="block block-divider">');
  });

  it('renders buttons with their style and reports which one was clicked', () => {
    const clicks: unknown[] = [];
    const block = {
      type: 'actions',
      block_id: 'session_controls',
      elements: [
        { type: 'button', action_id: 'add', text: { type: 'plain_text', text: 'Add note' }, style: 'primary', value: 's:0' },
        { type: 'button', action_id: 'end', text: { type: 'plain_text', text: 'End' }, style: 'danger', confirm: {} },
      ],
    };
    const node = renderBlock(block, { ...ctx, onButton: (click) => clicks.push(click) }, 4) as VNode;
    expect(toHtml(node)).toBe(
      '<div class="block block-actions"><button class="btn btn-primary" type="button" title="add" data-action-id="add">Add note</button>' +
        '<button class="btn btn-danger" type="button" title="end" data-action-id="end">End</button></div>',
    );
    const end = node.children[1] as VNode;
    end.on.click?.({ currentTarget: 'the button' });
    expect(clicks).toEqual([{ element: block.elements[1], blockIndex: 4, elementIndex: 1, target: 'the button' }]);
  });

  it('renders a button with a url as a link that still reports the click, holding the link back only for a confirm', () => {
    const clicks: unknown[] = [];
    const permalink = 'http://127.0.0.1:4000/archives/C0GENERAL/p1700000000000100';
    const block = {
      type: 'actions',
      block_id: 'membership',
      elements: [
        { type: 'button', action_id: 'mockdesign_open_thread', text: { type: 'plain_text', text: 'Open the thread' }, url: permalink },
        { type: 'button', action_id: 'docs', text: { type: 'plain_text', text: 'Docs' }, url: 'https://example.com/docs', style: 'primary', confirm: {} },
        { type: 'button', action_id: 'bad', text: { type: 'plain_text', text: 'Bad' }, url: 'javascript:alert(1)' },
      ],
    };
    const node = renderBlock(block, { ...ctx, onButton: (click) => clicks.push(click) }, 2) as VNode;
    expect(toHtml(node)).toBe(
      '<div class="block block-actions">' +
        `<a class="btn btn-link" href="${permalink}" target="_blank" rel="noopener noreferrer" title="mockdesign_open_thread" data-action-id="mockdesign_open_thread">Open the thread</a>` +
        '<a class="btn btn-link btn-primary" href="https://example.com/docs" target="_blank" rel="noopener noreferrer" title="docs" data-action-id="docs">Docs</a>' +
        // A url that is not http(s) or mailto is no link: a plain button.
        '<button class="btn" type="button" title="bad" data-action-id="bad">Bad</button></div>',
    );
    const prevented: string[] = [];
    const event = (name: string) => ({ currentTarget: name, preventDefault: () => prevented.push(name) });
    (node.children[0] as VNode).on.click?.(event('open'));
    (node.children[1] as VNode).on.click?.(event('docs'));
    expect(clicks).toEqual([
      { element: block.elements[0], blockIndex: 2, elementIndex: 0, target: 'open' },
      { element: block.elements[1], blockIndex: 2, elementIndex: 1, target: 'docs' },
    ]);
    // The plain link opens as links do; the one with a confirm waits for the page to ask first.
    expect(prevented).toEqual(['docs']);
  });

  it('renders modal inputs with max_length, initial options and a slot for inline errors', () => {
    const blocks = [
      {
        type: 'input', block_id: 'kind_block', label: { type: 'plain_text', text: 'Kind' },
        element: {
          type: 'static_select', action_id: 'kind',
          options: [{ text: { type: 'plain_text', text: 'API' }, value: 'api' }, { text: { type: 'plain_text', text: 'Question' }, value: 'question' }],
          initial_option: { text: { type: 'plain_text', text: 'Question' }, value: 'question' },
        },
      },
      {
        type: 'input', block_id: 'text_block', optional: true, label: { type: 'plain_text', text: 'Note' }, hint: { type: 'plain_text', text: 'Be brief' },
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, max_length: 3000, placeholder: { type: 'plain_text', text: 'e.g. <cache>' } },
      },
    ];
    const out = toHtml(renderBlocks(blocks, ctx));
    expect(out).toContain('<option value="question" selected="selected">Question</option>');
    expect(out).toContain('<select data-block-id="kind_block" data-action-id="kind" id="input-kind_block" data-element="static_select" class="input select">');
    expect(out).toContain('<label class="input-label" for="input-kind_block" id="label-kind_block">Kind</label>');
    // The limit is data for the page, not the HTML maxlength attribute, which would cut a longer paste silently.
    expect(out).toContain('placeholder="e.g. &lt;cache&gt;" data-max-length="3000" rows="4"');
    expect(out).not.toMatch(/maxlength|minlength/);
    expect(out).toContain('<span class="optional"> (optional)</span>');
    expect(out).toContain('<div class="input-hint">Be brief</div>');
    expect(out).toContain('<div class="input-error" data-error-for="text_block" role="alert" aria-live="polite"></div>');
  });

  it('fills plain_text_input with its initial_value, as text: single-line as the value, multiline as the textarea\u2019s content', () => {
    const input = (multiline: boolean) => ({
      type: 'input', block_id: `b${multiline ? 'm' : 's'}`, label: { type: 'plain_text', text: 'Note' },
      element: { type: 'plain_text_input', action_id: 'text', multiline, initial_value: 'Keep <hot> keys & 301s' },
    });
    expect(toHtml(renderBlocks([input(false)], ctx))).toContain('type="text" value="Keep &lt;hot&gt; keys &amp; 301s"');
    expect(toHtml(renderBlocks([input(true)], ctx))).toContain('rows="4">Keep &lt;hot&gt; keys &amp; 301s</textarea>');
    // In the page the textarea gets it as its value, never as markup.
    const textarea = renderBlocks([input(true)], ctx)[0]?.children[1] as VNode;
    const el = toDom(textarea, { createElement: (tag) => ({ tag, setAttribute() {}, addEventListener() {}, append() {} }), createTextNode: (text) => ({ text }) });
    expect(el).toMatchObject({ tag: 'textarea', value: 'Keep <hot> keys & 301s' });
  });

  it('marks what it does not render instead of dropping it', () => {
    expect(toText(renderBlocks([{ type: 'rich_text', elements: [] }, { type: 'section', text: { type: 'mrkdwn', text: 'x' }, accessory: { type: 'overflow' } }]))).toBe(
      '[A rich_text block is not shown in the sandbox]x[A overflow element is not shown in the sandbox]',
    );
  });

  it('falls back to the message text when there are no blocks', () => {
    expect(toText(renderMessageContent({ text: 'hi <@U0BOB>' }, ctx))).toBe('hi @bob');
    expect(toText(renderMessageContent({ text: 'ignored', blocks: [{ type: 'divider' }] }, ctx))).toBe('');
  });
});

/** Every node of a tree, depth first. */
function nodes(node: Child | Child[]): VNode[] {
  if (Array.isArray(node)) return node.flatMap(nodes);
  if (typeof node === 'string') return [];
  return [node, ...node.children.flatMap(nodes)];
}

const find = (tree: Child | Child[], test: (n: VNode) => boolean): VNode | undefined => nodes(tree).find(test);
const all = (tree: Child | Child[], test: (n: VNode) => boolean): VNode[] => nodes(tree).filter(test);
const plainText = (text: string) => ({ type: 'plain_text', text });
const option = (text: string, value: string, description?: string) => ({ text: plainText(text), value, ...(description ? { description: plainText(description) } : {}) });
/** The page's users: people, and a bot the pickers must not offer. */
const people = new Map<string, { name: string; isBot?: boolean }>([
  ['U0ALICE', { name: 'alice' }],
  ['U0BOB', { name: 'bob' }],
  ['U0CAROL', { name: 'carol' }],
  ['U0BOT', { name: 'mockdesign', isBot: true }],
  ['U0DAVE', { name: 'dave' }],
]);
const pickerCtx: RenderContext = { ...ctx, users: people };

describe('Block Kit selection elements', () => {
  it('renders radio_buttons as a labelled radio group, with initial_option checked and descriptions under the options', () => {
    const block = {
      type: 'input', block_id: 'visibility_block', label: plainText('Visible to'),
      element: {
        type: 'radio_buttons', action_id: 'visibility',
        options: [option('Everyone', 'everyone'), { text: { type: 'mrkdwn', text: '*Interviewers* only' }, value: 'interviewers', description: plainText('never the candidate') }],
        initial_option: option('Everyone', 'everyone'),
      },
    };
    const tree = renderBlock(block, ctx, 3) as VNode;
    const group = find(tree, (n) => n.attrs.role === 'radiogroup');
    expect(group?.attrs).toMatchObject({
      'data-element': 'radio_buttons', 'data-block-id': 'visibility_block', 'data-action-id': 'visibility', id: 'input-visibility_block', 'aria-labelledby': 'label-visibility_block',
    });
    const radios = all(tree, (n) => n.tag === 'input');
    expect(radios.map((r) => [r.attrs.type, r.attrs.value, r.attrs.checked ?? null])).toEqual([
      ['radio', 'everyone', 'checked'],
      ['radio', 'interviewers', null],
    ]);
    // One group: one name, unique on the page (ctx.scope tells messages and modals apart).
    expect(new Set(radios.map((r) => r.attrs.name)).size).toBe(1);
    expect(radios[0]?.attrs.name).not.toBe((find(renderBlock(block, { ...ctx, scope: 'other' }, 3) as VNode, (n) => n.tag === 'input') as VNode).attrs.name);
    // Option texts follow their type (mrkdwn formatted), descriptions sit under them.
    expect(toHtml(tree)).toContain('<span class="choice-text"><strong>Interviewers</strong> only</span><span class="choice-description">never the candidate</span>');
    expect(toText(tree)).not.toContain('not shown in the sandbox');
  });

  it('renders a static_select’s option_groups as groups of the menu, its initial_option chosen inside one', () => {
    const block = {
      type: 'input', block_id: 'kind', label: plainText('Kind'),
      element: {
        type: 'static_select', action_id: 'kind', initial_option: option('API', 'api'),
        option_groups: [
          { label: plainText('Design'), options: [option('Component', 'component'), option('API', 'api')] },
          { label: plainText('Talk'), options: [option('Question', 'question')] },
        ],
      },
    };
    const out = toHtml(renderBlock(block, ctx) as VNode);
    expect(out).toContain(
      '<optgroup label="Design"><option value="component">Component</option><option value="api" selected="selected">API</option></optgroup>' +
        '<optgroup label="Talk"><option value="question">Question</option></optgroup>',
    );
    expect(out).toContain('<option value="">Select an item</option>');
  });

  it('renders checkboxes with every initial_option ticked, and none without', () => {
    const element = { type: 'checkboxes', action_id: 'flags', options: RED_FLAGS.map((f) => option(f.name, f.key)), initial_options: [option('No numbers', 'no_numbers'), option('Defensive', 'defensive')] };
    const block = { type: 'input', block_id: 'flags_block', optional: true, label: plainText('Red flags'), element };
    const boxes = all(renderBlock(block, ctx) as VNode, (n) => n.tag === 'input');
    expect(boxes.map((b) => b.attrs.type)).toEqual(Array(RED_FLAGS.length).fill('checkbox'));
    expect(boxes.filter((b) => b.attrs.checked).map((b) => b.attrs.value)).toEqual(['no_numbers', 'defensive']);
    const unticked = all(renderBlock({ ...block, element: { ...element, initial_options: undefined } }, ctx) as VNode, (n) => n.tag === 'input');
    expect(unticked.filter((b) => b.attrs.checked)).toEqual([]);
    expect(find(renderBlock(block, ctx) as VNode, (n) => n.attrs.role === 'group')?.attrs['data-element']).toBe('checkboxes');
  });

  it('lists the workspace\u2019s people in users_select, bots left out, with initial_user chosen', () => {
    expect(pickerPeople(pickerCtx).map((p) => p.name)).toEqual(['alice', 'bob', 'carol', 'dave']);
    const block = {
      type: 'input', block_id: 'candidate', optional: true, label: plainText('Candidate'),
      element: { type: 'users_select', action_id: 'candidate', placeholder: plainText('Who is interviewed'), initial_user: 'U0CAROL' },
    };
    const select = find(renderBlock(block, pickerCtx) as VNode, (n) => n.tag === 'select') as VNode;
    expect(select.attrs).toMatchObject({ 'data-element': 'users_select', id: 'input-candidate', 'data-action-id': 'candidate' });
    expect(select.children.map((o) => [(o as VNode).attrs.value, toText(o), (o as VNode).attrs.selected ?? null])).toEqual([
      ['', 'Who is interviewed', null],
      ['U0ALICE', 'alice', null],
      ['U0BOB', 'bob', null],
      ['U0CAROL', 'carol', 'selected'],
      ['U0DAVE', 'dave', null],
    ]);
    // Without initial_user the placeholder is chosen; an initial_user the page does not list is still shown as chosen.
    const none = find(renderBlock({ ...block, element: { ...block.element, initial_user: undefined } }, pickerCtx) as VNode, (n) => n.tag === 'select') as VNode;
    expect((none.children[0] as VNode).attrs.selected).toBe('selected');
    const stranger = find(renderBlock({ ...block, element: { ...block.element, initial_user: 'U0ERIN' } }, pickerCtx) as VNode, (n) => n.tag === 'select') as VNode;
    expect(stranger.children.filter((o) => (o as VNode).attrs.selected).map((o) => (o as VNode).attrs.value)).toEqual(['U0ERIN']);
  });

  it('renders multi_users_select as chips for initial_users and a menu of everyone else, full at max_selected_items', () => {
    const block = {
      type: 'input', block_id: 'interviewers', optional: true, label: plainText('Interviewers'),
      element: { type: 'multi_users_select', action_id: 'interviewers', initial_users: ['U0BOB'], max_selected_items: 2 },
    };
    const tree = renderBlock(block, pickerCtx) as VNode;
    const widget = find(tree, (n) => n.attrs['data-element'] === 'multi_users_select') as VNode;
    expect(widget.attrs).toMatchObject({ 'data-block-id': 'interviewers', 'data-action-id': 'interviewers', 'data-max-selected-items': '2', 'aria-labelledby': 'label-interviewers' });
    expect(all(widget, (n) => n.attrs.class === 'chip').map((c) => [c.attrs['data-value'], toText(c)])).toEqual([['U0BOB', 'bob\u00d7']]);
    expect(find(widget, (n) => n.attrs.class === 'chip-remove')?.attrs['aria-label']).toBe('Remove bob');
    const menu = find(widget, (n) => n.tag === 'select') as VNode;
    // The label points at the menu, so clicking the label (or a screen reader) lands on it.
    expect(menu.attrs.id).toBe('input-interviewers');
    expect(menu.attrs.disabled).toBeUndefined();
    expect(menu.children.map((o) => (o as VNode).attrs.value)).toEqual(['', 'U0ALICE', 'U0CAROL', 'U0DAVE']);
    expect(toText(widget)).toContain('1 of at most 2');

    const full = renderBlock({ ...block, element: { ...block.element, initial_users: ['U0BOB', 'U0ALICE'] } }, pickerCtx) as VNode;
    const fullMenu = find(full, (n) => n.tag === 'select') as VNode;
    expect(fullMenu.attrs.disabled).toBe('disabled');
    expect(toText(fullMenu.children[0] as VNode)).toBe('Up to 2: remove someone to pick another');
  });

  it('picks and removes people in a multi_users_select by redrawing it in place, never past max_selected_items', () => {
    const changes: ElementChange[] = [];
    const block = { type: 'actions', block_id: 'who', elements: [{ type: 'multi_users_select', action_id: 'panel', max_selected_items: 2 }] };
    const c: RenderContext = { ...pickerCtx, onSelect: (change) => changes.push(change) };
    /** A stand-in for the DOM node the widget was drawn as: it records what replaces it. */
    const drawn = (tree: VNode) => {
      let replacement: VNode | undefined;
      const doc = {
        createElement: (tag: string) => ({ tag, setAttribute() {}, addEventListener() {}, append() {}, querySelector: () => null }),
        createTextNode: (text: string) => ({ text }),
      };
      const root = { ownerDocument: doc, replaceWith: (fresh: unknown) => (replacement = fresh as VNode) };
      const target = (value: string) => ({ value, closest: () => root });
      return { tree, target, replaced: () => replacement };
    };
    let widget = drawn(find(renderBlock(block, c, 0) as VNode, (n) => n.attrs['data-element'] === 'multi_users_select') as VNode);
    const pick = (value: string) => {
      const menu = find(widget.tree, (n) => n.tag === 'select') as VNode;
      menu.on.change?.({ currentTarget: widget.target(value) });
    };
    pick('U0DAVE');
    expect(changes.map((ch) => ch.value)).toEqual([['U0DAVE']]);
    expect(widget.replaced()).toBeDefined();
    // Redraw from the new state, as the page does, and keep going.
    const redraw = (selected: string[]) =>
      drawn(find(renderBlock(block, { ...c, stateOf: () => selected }, 0) as VNode, (n) => n.attrs['data-element'] === 'multi_users_select') as VNode);
    widget = redraw(['U0DAVE']);
    pick('U0ALICE');
    expect(changes.at(-1)).toMatchObject({ blockIndex: 0, elementIndex: 0, value: ['U0DAVE', 'U0ALICE'] });
    widget = redraw(['U0DAVE', 'U0ALICE']);
    expect((find(widget.tree, (n) => n.tag === 'select') as VNode).attrs.disabled).toBe('disabled');
    const remove = find(widget.tree, (n) => n.attrs['aria-label'] === 'Remove dave') as VNode;
    remove.on.click?.({ currentTarget: widget.target('') });
    expect(changes.at(-1)?.value).toEqual(['U0ALICE']);
  });

  it('reports changes of selects, radio buttons and checkboxes in messages, and draws them from the state the page keeps', () => {
    const changes: ElementChange[] = [];
    const blocks = [
      { type: 'section', block_id: 's', text: plainText('Level'), accessory: { type: 'static_select', action_id: 'level', options: [option('Mid', 'mid'), option('Senior', 'senior')] } },
      {
        type: 'actions', block_id: 'a',
        elements: [
          { type: 'radio_buttons', action_id: 'r', options: [option('A', 'a'), option('B', 'b')], initial_option: option('A', 'a') },
          { type: 'checkboxes', action_id: 'c', options: [option('X', 'x'), option('Y', 'y')] },
          { type: 'users_select', action_id: 'u' },
        ],
      },
    ];
    const kept = new Map<string, string | string[] | null>([['1:0', 'b'], ['1:1', ['y']], ['0:-1', 'senior']]);
    const tree = renderBlocks(blocks, { ...pickerCtx, onSelect: (change) => changes.push(change), stateOf: (b, e) => kept.get(`${b}:${e}`) });
    // Kept state wins over the initial one.
    const radios = all(tree, (n) => n.attrs.type === 'radio');
    expect(radios.filter((r) => r.attrs.checked).map((r) => r.attrs.value)).toEqual(['b']);
    expect(all(tree, (n) => n.attrs.type === 'checkbox').filter((r) => r.attrs.checked).map((r) => r.attrs.value)).toEqual(['y']);
    const level = find(tree, (n) => n.attrs['data-element'] === 'static_select') as VNode;
    expect(level.children.filter((o) => (o as VNode).attrs.selected).map((o) => (o as VNode).attrs.value)).toEqual(['senior']);
    // Outside a form each menu says what it is for.
    expect(level.attrs['aria-label']).toBe('Select an item');

    level.on.change?.({ currentTarget: { value: 'mid' } });
    radios[0]?.on.change?.({ currentTarget: { value: 'a' } });
    const group = { querySelectorAll: () => [{ value: 'x' }, { value: 'y' }], getAttribute: () => 'checkboxes' };
    all(tree, (n) => n.attrs.type === 'checkbox')[0]?.on.change?.({ currentTarget: { closest: () => group } });
    (find(tree, (n) => n.attrs['data-element'] === 'users_select') as VNode).on.change?.({ currentTarget: { value: '' } });
    expect(changes.map((ch) => [ch.blockIndex, ch.elementIndex, ch.value])).toEqual([
      [0, -1, 'mid'],
      [1, 0, 'a'],
      [1, 1, ['x', 'y']],
      [1, 2, null],
    ]);
  });

  it('reads an element\u2019s state back from the DOM in the page\u2019s form', () => {
    const el = (type: string, extra: Record<string, unknown>) => ({ getAttribute: (name: string) => (name === 'data-element' ? type : null), ...extra });
    expect(elementValue(el('plain_text_input', { value: '' }))).toBeNull();
    expect(elementValue(el('static_select', { value: 'mid' }))).toBe('mid');
    expect(elementValue(el('users_select', { value: '' }))).toBeNull();
    expect(elementValue(el('radio_buttons', { querySelector: () => ({ value: 'interviewers' }) }))).toBe('interviewers');
    expect(elementValue(el('radio_buttons', { querySelector: () => null }))).toBeNull();
    expect(elementValue(el('checkboxes', { querySelectorAll: () => [{ value: 'no_numbers' }] }))).toEqual(['no_numbers']);
    expect(elementValue(el('multi_users_select', { querySelectorAll: () => [{ getAttribute: () => 'U0BOB' }, { getAttribute: () => 'U0DAVE' }] }))).toEqual(['U0BOB', 'U0DAVE']);
    expect(elementValue(el('datepicker', {}))).toBeUndefined();
    expect(initialValue({ type: 'multi_users_select', initial_users: ['U0BOB'] })).toEqual(['U0BOB']);
    expect(initialValue({ type: 'checkboxes' })).toEqual([]);
    expect(initialValue({ type: 'radio_buttons' })).toBeNull();
  });
});

describe('the app\u2019s forms, rendered whole', () => {
  const unsupported = (blocks: unknown) => all(renderBlocks(blocks, pickerCtx), (n) => n.attrs.class === 'unsupported').map(toText);

  it('the start form: 28 prompts in one menu, people pickers with their limits, hints under the inputs', () => {
    const view = renderStartModal({ channelId: 'C0GENERAL' });
    expect(unsupported(view.blocks)).toEqual([]);
    const tree = renderBlocks(view.blocks, pickerCtx);
    const prompt = find(tree, (n) => n.attrs.id === 'input-start_prompt') as VNode;
    // The placeholder, "any prompt not had yet", then every prompt of the bank.
    expect(prompt.children).toHaveLength(PROMPTS.length + 2);
    expect(PROMPTS.length + 1).toBe(28);
    expect(toText(prompt.children.at(-1) as VNode)).toBe(PROMPTS.at(-1)?.title);
    expect(find(tree, (n) => n.attrs.id === 'input-start_candidate')?.attrs['data-element']).toBe('users_select');
    const interviewers = find(tree, (n) => n.attrs['data-element'] === 'multi_users_select' && n.attrs['data-block-id'] === 'start_interviewers') as VNode;
    expect(interviewers.attrs['data-max-selected-items']).toMatch(/^\d+$/);
    // The plan's initial_option is chosen; every hint is shown under its input.
    const plan = find(tree, (n) => n.attrs.id === 'input-start_plan') as VNode;
    expect(plan.children.filter((o) => (o as VNode).attrs.selected).map((o) => (o as VNode).attrs.value)).toEqual(['standard']);
    const hints = all(tree, (n) => n.attrs.class === 'input-hint').map(toText);
    expect(hints).toEqual(view.blocks.flatMap((b) => ('hint' in b && b.hint ? [b.hint.text] : [])));
    expect(hints.length).toBeGreaterThanOrEqual(6);
  });

  it('the note form for the panel: "Visible to" as radio buttons, everyone chosen', () => {
    const view = renderNoteModal({ sessionId: 's1', channelId: 'C0GENERAL', topic: 'URL shortener', phaseIndex: 1, panel: true });
    expect(unsupported(view.blocks)).toEqual([]);
    const radios = all(renderBlocks(view.blocks, pickerCtx), (n) => n.attrs.type === 'radio');
    expect(radios.map((r) => [r.attrs.value, r.attrs.checked ?? null])).toEqual([
      ['everyone', 'checked'],
      ['interviewers', null],
    ]);
  });

  it('the scorecard: a menu per dimension, red flags as checkboxes and the recommendation as radio buttons, prefilled from a card', () => {
    const card = {
      scorer: 'U0BOB', role: 'interviewer', scores: { requirements: { score: 3 } }, redFlags: ['no_numbers'], recommendation: 'almost', strengths: 'Clear', improvements: '',
    } as unknown as Parameters<typeof renderScorecardModal>[0]['card'];
    const view = renderScorecardModal({ sessionId: 's1', channelId: 'C0GENERAL', topic: 'URL shortener', role: 'interviewer', card });
    expect(unsupported(view.blocks)).toEqual([]);
    const tree = renderBlocks(view.blocks, pickerCtx);
    expect(all(tree, (n) => n.attrs['data-element'] === 'static_select')).toHaveLength(RUBRIC.length);
    expect(all(tree, (n) => n.attrs.type === 'checkbox').map((b) => [b.attrs.value, b.attrs.checked ?? null])).toEqual(
      RED_FLAGS.map((f) => [f.key, f.key === 'no_numbers' ? 'checked' : null]),
    );
    expect(all(tree, (n) => n.attrs.type === 'radio').map((b) => [b.attrs.value, b.attrs.checked ?? null])).toEqual(
      // The card has a recommendation, so clearing it is offered last.
      [...RECOMMENDATIONS.map((r) => [r.key, r.key === 'almost' ? 'checked' : null]), [CLEAR_VALUE, null]],
    );
    expect(toText(tree)).toContain(RECOMMENDATIONS[1].description);
    // The candidate's self-assessment has neither.
    const self = renderScorecardModal({ sessionId: 's1', channelId: 'C0GENERAL', topic: 'URL shortener', role: 'candidate' });
    expect(all(renderBlocks(self.blocks, pickerCtx), (n) => n.attrs.type === 'radio' || n.attrs.type === 'checkbox')).toEqual([]);
  });
});

describe('files shared in a message', () => {
  const fileUrl = (f: { id: string }, { download }: { download: boolean }) => `http://127.0.0.1:3000/api/files/${f.id}?user=U0ALICE${download ? '&download=1' : ''}`;
  const md = { id: 'F0MD', name: 'session.md', title: 'Design a URL shortener', size: 2150, mimetype: 'text/markdown', filetype: 'md' };
  const csv = { id: 'F0CSV', name: 'notes.csv', title: 'notes.csv', size: 312, mimetype: 'text/csv', filetype: 'csv' };

  it('names a file’s type from filetype, then mimetype, then its extension, and its size in B, KB or MB', () => {
    expect(fileTypeName(md)).toBe('Markdown');
    expect(fileTypeName({ name: 'x', filetype: 'markdown' })).toBe('Markdown');
    expect(fileTypeName({ name: 'export', filetype: 'binary', mimetype: 'text/csv; charset=utf-8' })).toBe('CSV');
    expect(fileTypeName({ name: 'notes.CSV' })).toBe('CSV');
    expect(fileTypeName({ name: 'trace.har', filetype: 'binary', mimetype: 'application/octet-stream' })).toBe('HAR');
    expect(fileTypeName({ name: 'README', filetype: 'constructor', mimetype: '__proto__' })).toBe('File');
    expect(fileTypeName({ name: 'a.md', pretty_type: 'Markdown (raw)' })).toBe('Markdown (raw)');
    expect([0, 1, 1023, 1024, 2150, 10 * 1024 + 300, 5 * 1024 * 1024].map(formatFileSize)).toEqual(['0 B', '1 B', '1023 B', '1 KB', '2.1 KB', '10 KB', '5 MB']);
  });

  it('draws a card per file under the message text, each with its title, type, size and links to open and download it', () => {
    const nodes = renderMessageContent({ text: 'Export of the session', files: [md, csv] }, { ...ctx, fileUrl });
    expect(toText(nodes)).toBe(
      'Export of the session' + 'MDDesign a URL shortenersession.mdMarkdown \u00b7 2.1 KBDownload' + 'CSVnotes.csvCSV \u00b7 312 BDownload',
    );
    const out = toHtml(nodes);
    expect(out.match(/class="file-card"/g)).toHaveLength(2);
    expect(out).toContain('<a class="file-title" href="http://127.0.0.1:3000/api/files/F0MD?user=U0ALICE" target="_blank" rel="noopener noreferrer" title="Open session.md">Design a URL shortener</a>');
    expect(out).toContain('<a class="file-download" href="http://127.0.0.1:3000/api/files/F0CSV?user=U0ALICE&amp;download=1" title="Download notes.csv" aria-label="Download notes.csv">Download</a>');
    // Only files: no empty text line above the cards. Without a way to fetch them, the cards carry no links.
    const bare = renderMessageContent({ text: '', files: [csv] }, ctx);
    expect(bare).toHaveLength(1);
    expect(toHtml(bare)).not.toContain('<a ');
    expect(toText(bare)).toBe('CSVnotes.csvCSV \u00b7 312 B');
    // A message with blocks keeps them, the files after.
    expect(toText(renderMessageContent({ text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Export*' } }], files: [csv] }, ctx))).toBe('ExportCSVnotes.csvCSV \u00b7 312 B');
  });

  it('keeps a hostile title and file name as text, in the markup and in the DOM, and links only to http(s)', () => {
    const hostile = { id: 'F0EVIL', name: '"><img src=x onerror=alert(1)>.md', title: '<script>alert("x")</script> & <!channel>', size: 5 };
    const nodes = renderMessageContent({ text: '', files: [hostile] }, { ...ctx, fileUrl: () => 'javascript:alert(1)' });
    const out = toHtml(nodes);
    expect(out).not.toMatch(/<script|<img|href=/);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;!channel&gt;');
    expect(out).toContain('title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.md"');
    expect(toText(nodes)).toContain('<script>alert("x")</script> & <!channel>');
    const root = toDom(nodes[0] as VNode, {
      createElement: (tag: string) => {
        const attrs: Record<string, string> = {};
        const children: unknown[] = [];
        return { tag, attrs, children, setAttribute: (n: string, v: string) => { attrs[n] = v; }, append: (c: unknown) => { children.push(c); }, addEventListener: () => {} };
      },
      createTextNode: (text: string) => ({ text }),
    });
    const texts: string[] = [];
    const tags: string[] = [];
    const walk = (n: { tag?: string; text?: string; children?: unknown[] }) => {
      if (n.text !== undefined) texts.push(n.text);
      if (n.tag) tags.push(n.tag);
      for (const c of n.children ?? []) walk(c as typeof n);
    };
    walk(root as { children: unknown[] });
    expect(texts).toContain('<script>alert("x")</script> & <!channel>');
    expect(tags.filter((t) => !['div', 'span'].includes(t))).toEqual([]);
  });
});

describe('toDom', () => {
  /** A tiny document that records what the renderer asks of it. */
  function fakeDocument() {
    interface El {
      tag: string;
      attrs: Record<string, string>;
      children: Array<El | { text: string }>;
      listeners: string[];
      value?: string;
      setAttribute(name: string, value: string): void;
      append(child: El | { text: string }): void;
      addEventListener(type: string): void;
    }
    return {
      createElement(tag: string): El {
        return {
          tag, attrs: {}, children: [], listeners: [],
          setAttribute(name, value) { this.attrs[name] = value; },
          append(child) { this.children.push(child); },
          addEventListener(type) { this.listeners.push(type); },
        };
      },
      createTextNode(text: string) {
        return { text };
      },
    };
  }

  it('creates text nodes for message text and drops unknown tags, attributes and unsafe links', () => {
    const doc = fakeDocument();
    const root = toDom(
      { tag: 'script', attrs: { onclick: 'x', class: 'a', href: 'javascript:alert(1)', 'data-ok': '1' }, on: { click: () => {} }, children: ['<img src=x onerror=alert(1)>'] },
      doc,
    ) as { tag: string; attrs: Record<string, string>; children: unknown[]; listeners: string[] };
    expect(root.tag).toBe('span');
    expect(root.attrs).toEqual({ class: 'a', 'data-ok': '1' });
    expect(root.children).toEqual([{ text: '<img src=x onerror=alert(1)>' }]);
    expect(root.listeners).toEqual(['click']);
  });
});
