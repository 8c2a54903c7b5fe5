/** The sandbox page's renderer (sandbox/web/render.js) in Node: mrkdwn, dates in the reader's zone, Block Kit, and safety. */
import { describe, expect, it } from 'vitest';
import {
  decodeEntities,
  formatSlackDate,
  mrkdwn,
  renderBlock,
  renderBlocks,
  renderMessageContent,
  toDom,
  toHtml,
  toText,
} from '../../sandbox/web/render.js';
import type { RenderContext, VNode } from '../../sandbox/web/render.js';

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
    expect(out).toContain('<select data-block-id="kind_block" data-action-id="kind" id="input-kind_block" class="input select">');
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
