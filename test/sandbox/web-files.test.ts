/**
 * Files the app uploads into a thread (files.getUploadURLExternal, the upload URL, files.completeUploadExternal), as the
 * page shows them: a card per file from the state API, and their content from the sandbox web server, to those who can
 * see the channel only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callStandIn } from '../support/stand-in-api.ts';
import { createSignedClient } from '../../sandbox/signed-client.ts';
import { createSlackStandIn } from '../../sandbox/stand-in/server.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';
import { createPlatform } from '../../sandbox/web/platform.ts';
import type { Platform } from '../../sandbox/web/platform.ts';
import { renderMessageContent, toHtml, toText } from '../../sandbox/web/render.js';
import type { RenderContext } from '../../sandbox/web/render.js';
import { createWebServer } from '../../sandbox/web/server.ts';
import type { WebServer } from '../../sandbox/web/server.ts';

interface SharedFile {
  id: string;
  name: string;
  title: string;
  size: number;
  mimetype: string;
  filetype: string;
}
interface Message {
  ts: string;
  text: string;
  files?: SharedFile[];
}
interface State {
  channel: { messages: Message[] } | null;
  thread: { parent: Message; replies: Message[] } | null;
}

const MARKDOWN = '# Design a URL shortener\n\nNotes \u2713 \u2014 caf\u00e9\n';
const CSV = 'phase,author,text\r\n1,alice,"Cache redirects, keep 301s"\r\n';
/** Not UTF-8: served as it came, byte for byte. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);

let standIn: SlackStandIn;
let platform: Platform;
let web: WebServer;

/** A Web API call as the app makes it, with the bot token; the answer must be ok. */
const callApi = (method: string, args: Record<string, unknown>) => callStandIn(standIn, method, args);

/** Asks for an upload URL and POSTs the bytes to it, as the app does; returns the file id. */
async function upload(filename: string, content: string | Buffer): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const ticket = await callApi('files.getUploadURLExternal', { filename, length: bytes.length });
  const res = await fetch(String(ticket.upload_url), { method: 'POST', body: new Uint8Array(bytes) });
  expect(res.status).toBe(200);
  return String(ticket.file_id);
}

/** Both files shared in one message, in a thread when `threadTs` is given, as `/mockdesign export` does. */
async function share(channel: string, files: Array<{ id: string; title?: string }>, threadTs?: string, comment?: string): Promise<void> {
  await callApi('files.completeUploadExternal', {
    files, channel_id: channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...(comment ? { initial_comment: comment } : {}),
  });
}

async function stateOf(user: string, channel: string, thread?: string): Promise<State> {
  const res = await fetch(`${web.url}/api/state?${new URLSearchParams({ user, channel, ...(thread ? { thread } : {}) })}`);
  expect(res.status).toBe(200);
  return (await res.json()) as State;
}

/** The page's link to a file, as app.js builds it. */
function fileUrl(file: { id: string }, { download }: { download: boolean }, user = 'U0ALICE'): string {
  return `${web.url}/api/files/${encodeURIComponent(file.id)}?${new URLSearchParams({ user, ...(download ? { download: '1' } : {}) })}`;
}

const ctx: RenderContext = { users: new Map([['U0BOT', { name: 'mockdesign', isBot: true }]]), viewer: { id: 'U0ALICE', tz: 'Europe/London' }, fileUrl };

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));

beforeEach(async () => {
  standIn = createSlackStandIn();
  await standIn.start();
  // Nothing here reaches the app: the files come from Web API calls, not from the page.
  platform = createPlatform({ standIn, client: createSignedClient({ appUrl: 'http://127.0.0.1:9/slack/events', signingSecret: 'x'.repeat(32) }), log: () => {} });
  web = createWebServer({ platform, port: 0 });
  await web.start();
});

afterEach(async () => {
  await web.stop();
  await standIn.stop();
});

describe('files shared in a message', () => {
  it('shows a thread reply carrying two uploaded files as two cards with their names, types and sizes, each linking to its content', async () => {
    const root = await callApi('chat.postMessage', { channel: 'C0GENERAL', text: 'Mock interview: Design a URL shortener' });
    const md = await upload('design-a-url-shortener.md', MARKDOWN);
    const csv = await upload('design-a-url-shortener-notes.csv', CSV);
    await share('C0GENERAL', [{ id: md, title: 'Design a URL shortener \u2014 session' }, { id: csv }], String(root.ts), 'Export of the session');

    const { thread } = await stateOf('U0ALICE', 'C0GENERAL', String(root.ts));
    const reply = thread?.replies[0];
    expect(thread?.replies).toHaveLength(1);
    expect(reply?.files).toEqual([
      expect.objectContaining({ id: md, name: 'design-a-url-shortener.md', title: 'Design a URL shortener \u2014 session', size: Buffer.byteLength(MARKDOWN), mimetype: 'text/markdown' }),
      expect.objectContaining({ id: csv, name: 'design-a-url-shortener-notes.csv', title: 'design-a-url-shortener-notes.csv', size: Buffer.byteLength(CSV), mimetype: 'text/csv' }),
    ]);

    const nodes = renderMessageContent(reply ?? { text: '' }, ctx);
    const html = toHtml(nodes);
    expect(html.match(/class="file-card"/g)).toHaveLength(2);
    expect(toText(nodes)).toBe(
      'Export of the session' +
        `MDDesign a URL shortener \u2014 sessiondesign-a-url-shortener.mdMarkdown \u00b7 ${Buffer.byteLength(MARKDOWN)} BDownload` +
        `CSVdesign-a-url-shortener-notes.csvCSV \u00b7 ${Buffer.byteLength(CSV)} BDownload`,
    );
    // Every link on the cards gets the file's exact content.
    const links = hrefs(html);
    expect(links).toEqual([fileUrl({ id: md }, { download: false }), fileUrl({ id: md }, { download: true }), fileUrl({ id: csv }, { download: false }), fileUrl({ id: csv }, { download: true })]);
    const got = await Promise.all(links.map(async (l) => Buffer.from(await (await fetch(l)).arrayBuffer()).toString('utf8')));
    expect(got).toEqual([MARKDOWN, MARKDOWN, CSV, CSV]);

    // In the channel only the root shows, with its reply count; a file shared without a thread shows there too.
    const png = await upload('diagram.png', PNG);
    await share('C0GENERAL', [{ id: png, title: 'Diagram' }]);
    const { channel } = await stateOf('U0BOB', 'C0GENERAL');
    expect(channel?.messages.map((m) => m.files?.map((f) => f.name))).toEqual([undefined, ['diagram.png']]);
    const top = renderMessageContent(channel?.messages[1] ?? { text: '' }, ctx);
    expect(toText(top)).toBe(`PNGDiagramdiagram.pngPNG \u00b7 ${PNG.length} BDownload`);
  });

  it('serves a member the exact bytes with the file\u2019s mimetype, to open or download, and refuses anyone who cannot see the channel', async () => {
    // The private channel: alice and bob only; the bot is invited so it can share there.
    expect(await platform.runCommand('U0ALICE', 'G0PRIVATE', '/invite @mockdesign')).toMatchObject({ ok: true });
    const root = await callApi('chat.postMessage', { channel: 'G0PRIVATE', text: 'Private mock' });
    const md = await upload('session.md', MARKDOWN);
    const png = await upload('diagram.png', PNG);
    await share('G0PRIVATE', [{ id: md }, { id: png }], String(root.ts));

    const open = await fetch(fileUrl({ id: md }, { download: false }));
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(open.headers.get('content-disposition')).toBe('inline; filename="session.md"; filename*=UTF-8\'\'session.md');
    expect(open.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(open.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await open.arrayBuffer()).equals(Buffer.from(MARKDOWN, 'utf8'))).toBe(true);

    const download = await fetch(fileUrl({ id: png }, { download: true }, 'U0BOB'));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('content-length')).toBe(String(PNG.length));
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="diagram.png"; filename*=UTF-8\'\'diagram.png');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);

    // carol and dave are not in the channel: the same refusal as for its state.
    for (const user of ['U0CAROL', 'U0DAVE']) {
      const refused = await fetch(fileUrl({ id: md }, { download: true }, user));
      expect(refused.status, user).toBe(403);
      expect(await refused.json()).toEqual({ ok: false, error: `${user} cannot see ${md}` });
      expect((await fetch(`${web.url}/api/state?user=${user}&channel=G0PRIVATE`)).status).toBe(403);
    }
    // Nobody, an unknown file, no viewer, and a file uploaded but never shared (not even its uploader's people see it).
    const unshared = await upload('draft.md', 'draft');
    expect((await fetch(fileUrl({ id: md }, { download: false }, 'U0NOBODY'))).status).toBe(404);
    expect((await fetch(fileUrl({ id: 'F0NOSUCHFILE' }, { download: false }))).status).toBe(404);
    expect((await fetch(`${web.url}/api/files/${md}`)).status).toBe(404);
    expect((await fetch(fileUrl({ id: unshared }, { download: false }))).status).toBe(404);
    expect((await fetch(`${web.url}/api/files/${md}%2F..%2F..?user=U0ALICE`)).status).toBe(404);
    expect((await fetch(`${web.url}/api/files/${md}?user=U0ALICE`, { method: 'POST', body: '{}' })).status).toBe(404);

    // Deleting the message that carried it takes it away, as in Slack.
    const replies = standIn.messages('G0PRIVATE', { threadTs: String(root.ts) });
    await callApi('chat.delete', { channel: 'G0PRIVATE', ts: replies[0]?.ts });
    expect((await fetch(fileUrl({ id: md }, { download: false }))).status).toBe(404);
  });

  it('keeps a hostile title and file name as text on the card, and out of the download\u2019s headers', async () => {
    const root = await callApi('chat.postMessage', { channel: 'C0GENERAL', text: 'Session' });
    const name = 'a"b\r\nSet-Cookie: x=1 <\u00e9>.md';
    const evil = await upload(name, MARKDOWN);
    await share('C0GENERAL', [{ id: evil, title: '<img src=x onerror=alert(1)> <script>alert("x")</script> & <!channel>' }], String(root.ts));

    const { thread } = await stateOf('U0ALICE', 'C0GENERAL', String(root.ts));
    const nodes = renderMessageContent(thread?.replies[0] ?? { text: '' }, ctx);
    const html = toHtml(nodes);
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;!channel&gt;');
    expect(toText(nodes)).toContain('<img src=x onerror=alert(1)> <script>alert("x")</script> & <!channel>');
    expect(toText(nodes)).toContain(`${name}Markdown \u00b7 ${Buffer.byteLength(MARKDOWN)} B`);

    const res = await fetch(fileUrl({ id: evil }, { download: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="a_b__Set-Cookie: x=1 <_>.md"; filename*=UTF-8\'\'a%22b%0D%0ASet-Cookie%3A%20x%3D1%20%3C%C3%A9%3E.md',
    );
    expect(await res.text()).toBe(MARKDOWN);
  });
});
