/** The stand-in's external file upload flow, driven by the real @slack/web-api client and plain HTTP for the bytes. */
import { LogLevel, WebClient } from '@slack/web-api';
import type { Logger } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackStandIn } from '../../sandbox/stand-in/server.ts';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';

const TOKEN = 'xoxb-sandbox-token';
const quiet: Logger = {
  debug: () => {}, info: () => {}, warn: () => {}, error: () => {},
  setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {},
};

let standIn: SlackStandIn;
let client: WebClient;

function clientWith(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });
}

async function refusal(call: Promise<unknown>): Promise<{ error: string; messages: string[]; needed?: string }> {
  try {
    await call;
  } catch (err) {
    const data = (err as { data?: { error?: string; needed?: string; response_metadata?: { messages?: string[] } } }).data;
    return { error: data?.error ?? String(err), messages: data?.response_metadata?.messages ?? [], ...(data?.needed ? { needed: data.needed } : {}) };
  }
  throw new Error('expected the call to be refused');
}

/** Asks for an upload URL and POSTs the bytes to it, as an app does; returns the file id. */
async function upload(name: string, content: string | Buffer, as: WebClient = client): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const ticket = await as.files.getUploadURLExternal({ filename: name, length: bytes.length });
  expect(ticket.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/v1\/[a-f0-9]+$/);
  const answer = await fetch(String(ticket.upload_url), { method: 'POST', body: new Uint8Array(bytes) });
  expect(answer.status).toBe(200);
  expect(await answer.text()).toBe(`OK - ${bytes.length}`);
  return String(ticket.file_id);
}

beforeEach(async () => {
  standIn = createSlackStandIn({ now: () => 1_700_000_000_000 });
  await standIn.start();
  client = clientWith(TOKEN);
});

afterEach(async () => {
  await standIn.stop();
});

describe('files.getUploadURLExternal, the upload URL and files.completeUploadExternal', () => {
  it('shares two files in a thread as one message, and records each with its bytes', async () => {
    const root = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'Session' });
    const csv = 'phase,text\r\n1,"héllo, ""world"""\r\n';
    const md = await upload('session.md', '# Session\n\nNotes ✓\n');
    const notes = await upload('notes.csv', csv);
    const done = await client.files.completeUploadExternal({
      files: [{ id: md, title: 'The session' }, { id: notes }],
      channel_id: 'C0GENERAL',
      thread_ts: String(root.ts),
      initial_comment: 'Export of the session',
    });
    expect(done).toMatchObject({ ok: true, files: [{ id: md, title: 'The session' }, { id: notes, title: 'notes.csv' }] });

    const thread = standIn.messages('C0GENERAL', { threadTs: String(root.ts) });
    expect(thread).toHaveLength(1);
    expect(thread[0]).toMatchObject({ user: 'U0BOT', bot_id: 'B0BOT', text: 'Export of the session', thread_ts: root.ts, files: [md, notes] });
    const [first, second] = standIn.files();
    expect(first).toMatchObject({ id: md, name: 'session.md', title: 'The session', channel: 'C0GENERAL', thread_ts: root.ts, messageTs: thread[0]?.ts });
    expect(first?.bytes?.toString('utf8')).toBe('# Session\n\nNotes ✓\n');
    expect(second?.bytes?.toString('utf8')).toBe(csv);
    expect(second?.length).toBe(Buffer.byteLength(csv));

    // The thread as a client reads it: the files ride on the message.
    const replies = await client.conversations.replies({ channel: 'C0GENERAL', ts: String(root.ts) });
    const message = replies.messages?.[1] as { files?: { id: string; name: string; mimetype: string; size: number }[]; upload?: boolean };
    expect(message.upload).toBe(true);
    expect(message.files).toEqual([
      expect.objectContaining({ id: md, name: 'session.md', mimetype: 'text/markdown', size: Buffer.byteLength('# Session\n\nNotes ✓\n') }),
      expect.objectContaining({ id: notes, name: 'notes.csv', mimetype: 'text/csv' }),
    ]);
    // The bytes went to the upload URL without a token, and the record of it holds neither the bytes nor the URL.
    const posted = standIn.calls.filter((c) => c.method === 'upload_url');
    expect(posted.map((c) => c.params)).toEqual([
      { file_id: md, filename: 'session.md', length: Buffer.byteLength('# Session\n\nNotes ✓\n') },
      { file_id: notes, filename: 'notes.csv', length: Buffer.byteLength(csv) },
    ]);
  });

  it('keeps a file completed without a channel private: no message', async () => {
    const id = await upload('a.txt', 'a');
    expect((await client.files.completeUploadExternal({ files: [{ id }] } as never)).ok).toBe(true);
    expect(standIn.allMessages()).toHaveLength(0);
    expect(standIn.files()[0]).toMatchObject({ id, title: 'a.txt' });
    expect(standIn.files()[0]?.channel).toBeUndefined();
    expect(standIn.files()[0]?.completedAt).toBeDefined();
  });

  it('refuses what Slack refuses when asking for an upload URL', async () => {
    expect(await refusal(client.files.getUploadURLExternal({ length: 3 } as never))).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] missing required field: filename'] });
    expect(await refusal(client.files.getUploadURLExternal({ filename: 'a.md' } as never))).toMatchObject({ error: 'invalid_arguments' });
    expect((await refusal(client.files.getUploadURLExternal({ filename: 'a.md', length: 1.5 }))).error).toBe('invalid_arguments');
    expect((await refusal(client.files.getUploadURLExternal({ filename: 'a.md', length: 0 }))).error).toBe('missing_argument');
    expect((await refusal(clientWith('xoxb-wrong').files.getUploadURLExternal({ filename: 'a.md', length: 1 }))).error).toBe('invalid_auth');
  });

  it('takes the bytes once, of the announced length, at a URL it issued', async () => {
    const ticket = await client.files.getUploadURLExternal({ filename: 'a.md', length: 5 });
    const url = String(ticket.upload_url);
    // Five characters, six bytes: the length is counted in bytes.
    expect((await fetch(url, { method: 'POST', body: 'héllo' })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', body: 'hello' })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', body: 'hello' })).status).toBe(410);
    expect((await fetch(url.replace(/[a-f0-9]+$/, 'abc123'), { method: 'POST', body: 'hello' })).status).toBe(404);
    expect(standIn.calls.filter((c) => c.method === 'upload_url').map((c) => c.error ?? 'ok')).toEqual(['length_mismatch', 'ok', 'already_uploaded', 'not_found']);
  });

  it('refuses to complete what was not uploaded, is unknown, or was completed already', async () => {
    const ticket = await client.files.getUploadURLExternal({ filename: 'a.md', length: 1 });
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id: String(ticket.file_id) }], channel_id: 'C0GENERAL' }))).error).toBe('file_not_found');
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id: 'F0NOPE' }], channel_id: 'C0GENERAL' }))).error).toBe('file_not_found');
    expect((await refusal(client.files.completeUploadExternal({ files: [] as never, channel_id: 'C0GENERAL' }))).error).toBe('invalid_arguments');
    expect((await refusal(client.apiCall('files.completeUploadExternal', { files: 'not json', channel_id: 'C0GENERAL' }))).error).toBe('invalid_arguments');
    const id = await upload('b.md', 'b');
    expect((await client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0GENERAL' })).ok).toBe(true);
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0GENERAL' }))).error).toBe('file_not_found');
  });

  it('checks every destination before sharing anything', async () => {
    const root = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'Session' });
    const reply = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'a reply', thread_ts: String(root.ts) });
    const id = await upload('a.md', 'a');
    const before = standIn.allMessages().length;
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0NOPE', thread_ts: String(root.ts) }))).error).toBe('channel_not_found');
    // A public channel the bot is not in: sharing a file needs membership.
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0PREP' }))).error).toBe('not_in_channel');
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'G0PRIVATE' }))).error).toBe('not_in_channel');
    // A reply's ts is not a thread: Slack wants the parent's.
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0GENERAL', thread_ts: String(reply.ts) }))).error).toBe('invalid_arguments');
    expect(standIn.allMessages()).toHaveLength(before);
    // Still uploaded and not completed: a later call with a good destination shares it.
    await client.conversations.join({ channel: 'C0PREP' });
    expect((await client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0PREP' })).ok).toBe(true);
    expect(standIn.messages('C0PREP').at(-1)).toMatchObject({ files: [id] });
  });

  it('holds a token to files:write', async () => {
    standIn.addWorkspace({ teamId: 'T0ACME', teamName: 'Acme', users: [{ id: 'U0ANN', name: 'ann' }], installed: false });
    const narrow = standIn.install({ clientId: standIn.oauthApp.clientId, teamId: 'T0ACME', scopes: ['chat:write'] });
    const acme = clientWith(String(narrow.access_token));
    expect(await refusal(acme.files.getUploadURLExternal({ filename: 'a.md', length: 1 }))).toMatchObject({ error: 'missing_scope', needed: 'files:write' });
    const full = standIn.install({ clientId: standIn.oauthApp.clientId, teamId: 'T0ACME', scopes: ['chat:write', 'files:write'] });
    const id = await upload('a.md', 'a', clientWith(String(full.access_token)));
    expect(standIn.files().find((f) => f.id === id)).toMatchObject({ teamId: 'T0ACME', user: 'U0ACMEBOT' });
    // A file reserved in one workspace cannot be completed from another.
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id }], channel_id: 'C0GENERAL' }))).error).toBe('file_not_found');
  });

  it('plays faults at the upload URL like at any method', async () => {
    standIn.fail('upload_url', { status: 500 });
    const ticket = await client.files.getUploadURLExternal({ filename: 'a.md', length: 1 });
    expect((await fetch(String(ticket.upload_url), { method: 'POST', body: 'a' })).status).toBe(500);
    expect((await fetch(String(ticket.upload_url), { method: 'POST', body: 'a' })).status).toBe(200);
    standIn.fail('files.completeUploadExternal', { error: 'internal_error' });
    expect((await refusal(client.files.completeUploadExternal({ files: [{ id: String(ticket.file_id) }], channel_id: 'C0GENERAL' }))).error).toBe('internal_error');
    expect(standIn.allMessages()).toHaveLength(0);
  });
});
