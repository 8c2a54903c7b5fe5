/** The Slack stand-in, driven over loopback HTTP by the real @slack/web-api client. */
import type { SectionBlock } from '@slack/types';
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

let clock = 1_700_000_000_000;
let standIn: SlackStandIn;
let client: WebClient;

function clientWith(token: string): WebClient {
  return new WebClient(token, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quiet });
}

/** The Slack error code a refused call carries. */
async function refusal(call: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  try {
    await call;
  } catch (err) {
    const data = (err as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
    return { error: data?.error ?? String(err), messages: data?.response_metadata?.messages ?? [] };
  }
  throw new Error('expected the call to be refused');
}

function section(text: string, blockId?: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text }, ...(blockId ? { block_id: blockId } : {}) };
}

function modal(title = 'Mock interview'): { type: 'modal'; title: { type: 'plain_text'; text: string }; blocks: [] } {
  return { type: 'modal', title: { type: 'plain_text', text: title }, blocks: [] };
}

beforeEach(async () => {
  clock = 1_700_000_000_000;
  standIn = createSlackStandIn({ now: () => clock });
  await standIn.start();
  client = clientWith(TOKEN);
});

afterEach(async () => {
  await standIn.stop();
});

describe('auth and transport', () => {
  it('answers auth.test for the bot token and refuses any other token', async () => {
    const me = await client.auth.test();
    expect(me).toMatchObject({ ok: true, team_id: 'T0SANDBOX', user_id: 'U0BOT', bot_id: 'B0BOT' });
    expect((await refusal(clientWith('xoxb-wrong').auth.test())).error).toBe('invalid_auth');
  });

  it('refuses unknown methods', async () => {
    expect((await refusal(client.apiCall('chat.postMesage', { channel: 'C0GENERAL', text: 'x' }))).error).toBe('unknown_method');
  });

  it('accepts GET query strings and JSON bodies', async () => {
    const get = await fetch(`${standIn.apiUrl}users.info?user=U0CAROL`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(await get.json()).toMatchObject({ ok: true, user: { id: 'U0CAROL', name: 'carol', tz: 'Asia/Kolkata', tz_offset: 19800 } });
    const json = await fetch(`${standIn.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0GENERAL', text: 'hello', blocks: [section('hello')] }),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ ok: true, channel: 'C0GENERAL' });
    expect(standIn.messages('C0GENERAL')[0]?.blocks).toEqual([section('hello')]);
  });

  it('records every call with parsed params and never the token', async () => {
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'hi', blocks: [section('hi')], metadata: { event_type: 'e', event_payload: { a: 1 } } });
    await refusal(client.users.info({ user: 'U0NOBODY' }));
    expect(standIn.calls).toHaveLength(2);
    expect(standIn.calls[0]).toMatchObject({
      method: 'chat.postMessage', ok: true, at: clock,
      params: { channel: 'C0GENERAL', text: 'hi', blocks: [section('hi')], metadata: { event_type: 'e', event_payload: { a: 1 } } },
    });
    expect(standIn.calls[1]).toMatchObject({ method: 'users.info', ok: false, error: 'user_not_found' });
    // Which token made the call, by its name: the default workspace's bot.
    expect(standIn.calls[0]?.auth).toMatchObject({ tokenId: standIn.tokenInfo(TOKEN)?.id, tokenKind: 'bot', teamId: 'T0SANDBOX', userId: 'U0BOT' });
    expect(standIn.callsWith(TOKEN)).toHaveLength(2);
    expect(JSON.stringify(standIn.calls)).not.toContain(TOKEN);
  });

  it('emits change events when state changes', async () => {
    const kinds: string[] = [];
    standIn.events.on('change', (change: { kind: string }) => kinds.push(change.kind));
    await client.chat.postMessage({ channel: 'C0GENERAL', text: 'hi' });
    expect(kinds).toEqual(['message']);
  });
});

describe('messages and threads', () => {
  it('posts, threads, and returns metadata only when asked for', async () => {
    const metadata = { event_type: 'mock_session', event_payload: { session_id: 's1' } };
    const parent = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'Session started', metadata });
    expect(parent.ts).toMatch(/^1700000000\.\d{6}$/);
    const reply = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'Phase 1', thread_ts: parent.ts });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));

    const bare = await client.conversations.replies({ channel: 'C0GENERAL', ts: parent.ts ?? '' });
    expect(bare.messages?.map((m) => m.text)).toEqual(['Session started', 'Phase 1']);
    expect(bare.messages?.[0]).not.toHaveProperty('metadata');
    expect(bare.messages?.[0]).toMatchObject({ reply_count: 1, thread_ts: parent.ts, user: 'U0BOT', bot_id: 'B0BOT' });

    const withMeta = await client.conversations.replies({ channel: 'C0GENERAL', ts: parent.ts ?? '', include_all_metadata: true });
    expect(withMeta.messages?.[0]?.metadata).toEqual(metadata);

    expect(standIn.messages('C0GENERAL').map((m) => m.ts)).toEqual([parent.ts]);
    expect(standIn.messages('C0GENERAL', { threadTs: parent.ts ?? '' }).map((m) => m.ts)).toEqual([reply.ts]);

    standIn.postAsUser('U0ALICE', 'C0GENERAL', 'I would shard by user id', { threadTs: parent.ts ?? '' });
    const later = await client.conversations.replies({ channel: 'C0GENERAL', ts: parent.ts ?? '' });
    expect(later.messages?.at(-1)).toMatchObject({ user: 'U0ALICE', text: 'I would shard by user id', parent_user_id: 'U0BOT' });
    expect(later.messages?.[0]).toMatchObject({ reply_count: 2, reply_users: ['U0BOT', 'U0ALICE'] });
  });

  it('keeps each channel to its own messages, through posts, threads and deletes', async () => {
    const a = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'In general' });
    const b = await client.chat.postMessage({ channel: 'C0PREP', text: 'In prep' });
    // A ts is unique per channel only in Slack: the other channel's ts does not name a message here.
    expect((await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x', thread_ts: b.ts ?? '' }))).error).toBe('thread_not_found');
    const reply = await client.chat.postMessage({ channel: 'C0PREP', text: 'A reply', thread_ts: b.ts ?? '' });
    expect(standIn.messages('C0GENERAL').map((m) => m.text)).toEqual(['In general']);
    expect(standIn.messages('C0PREP', { threadTs: b.ts ?? '' }).map((m) => m.text)).toEqual(['A reply']);
    await client.chat.delete({ channel: 'C0PREP', ts: reply.ts ?? '' });
    await client.chat.delete({ channel: 'C0GENERAL', ts: a.ts ?? '' });
    expect(standIn.messages('C0GENERAL')).toEqual([]);
    expect(standIn.messages('C0PREP', { threadTs: b.ts ?? '' })).toEqual([]);
    expect(standIn.allMessages().map((m) => m.text)).toEqual(['In prep']);
    expect((await refusal(client.chat.update({ channel: 'C0GENERAL', ts: a.ts ?? '', text: 'gone' }))).error).toBe('message_not_found');
  });

  it('refuses thread_ts that is not a top-level message of the channel', async () => {
    expect((await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x', thread_ts: '1699999999.000001' }))).error)
      .toBe('thread_not_found');
    expect((await refusal(client.conversations.replies({ channel: 'C0GENERAL', ts: '1699999999.000001' }))).error).toBe('thread_not_found');
  });

  it('posts to a user id in the DM with that user', async () => {
    const sent = await client.chat.postMessage({ channel: 'U0BOB', text: 'Your summary' });
    expect(sent.channel).toBe('DU0BOB');
    expect(standIn.messages('DU0BOB')).toHaveLength(1);
    expect(await client.conversations.open({ users: 'U0BOB' })).toMatchObject({ ok: true, channel: { id: 'DU0BOB' } });
  });

  it('refuses missing content, unknown and private channels', async () => {
    expect((await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: '' }))).error).toBe('no_text');
    expect((await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x'.repeat(40_001) }))).error).toBe('msg_too_long');
    expect((await refusal(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).error).toBe('channel_not_found');
    expect((await refusal(client.chat.postMessage({ channel: 'G0PRIVATE', text: 'x' }))).error).toBe('not_in_channel');
    expect((await refusal(client.conversations.replies({ channel: 'G0PRIVATE', ts: '1.1' }))).error).toBe('channel_not_found');
    expect((await refusal(client.apiCall('chat.postMessage', { channel: 'C0GENERAL', text: 'x', metadata: { event_type: 'x' } }))).error)
      .toBe('invalid_metadata');
  });

  it('lets the bot post to a public channel it is not in, and join it to read history', async () => {
    await client.chat.postMessage({ channel: 'C0PREP', text: 'hello prep' });
    expect((await refusal(client.conversations.history({ channel: 'C0PREP' }))).error).toBe('not_in_channel');
    const joined = await client.conversations.join({ channel: 'C0PREP' });
    expect(joined.channel).toMatchObject({ id: 'C0PREP', name: 'interview-prep', is_member: true });
    const history = await client.conversations.history({ channel: 'C0PREP' });
    expect(history.messages?.map((m) => m.text)).toEqual(['hello prep']);
    expect((await refusal(client.conversations.join({ channel: 'G0PRIVATE' }))).error).toBe('method_not_supported_for_channel_type');
  });

  it('updates known messages and refuses unknown ts or text over 4000 chars', async () => {
    const sent = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'v1' });
    expect((await refusal(client.chat.update({ channel: 'C0GENERAL', ts: '1700000000.999999', text: 'v2' }))).error).toBe('message_not_found');
    expect((await refusal(client.chat.update({ channel: 'C0GENERAL', ts: sent.ts ?? '', text: 'x'.repeat(4001) }))).error).toBe('msg_too_long');
    await client.chat.update({ channel: 'C0GENERAL', ts: sent.ts ?? '', text: 'v2' });
    expect(standIn.messages('C0GENERAL')[0]).toMatchObject({ text: 'v2', edited: { user: 'U0BOT' } });
  });

  it('builds permalinks for top-level messages and replies', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'p' });
    const reply = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'r', thread_ts: parent.ts });
    const top = await client.chat.getPermalink({ channel: 'C0GENERAL', message_ts: parent.ts ?? '' });
    expect(top.permalink).toBe(`${standIn.url}/archives/C0GENERAL/p${parent.ts?.replace('.', '')}`);
    const inThread = await client.chat.getPermalink({ channel: 'C0GENERAL', message_ts: reply.ts ?? '' });
    expect(inThread.permalink).toContain(`?thread_ts=${parent.ts}&cid=C0GENERAL`);
  });

  it('stores ephemerals for members and refuses non-members', async () => {
    expect((await refusal(client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0NOBODY', text: 'x' }))).error).toBe('user_not_found');
    standIn.workspace.channels.get('C0GENERAL')?.members.delete('U0DAVE');
    expect((await refusal(client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0DAVE', text: 'x' }))).error).toBe('user_not_in_channel');
    const sent = await client.chat.postEphemeral({ channel: 'C0GENERAL', user: 'U0ALICE', text: 'only you' });
    expect(sent.message_ts).toBeDefined();
    expect(standIn.ephemerals()).toEqual([expect.objectContaining({ user: 'U0ALICE', channel: 'C0GENERAL', text: 'only you' })]);
    expect(standIn.messages('C0GENERAL')).toHaveLength(0);
  });
});

describe('Block Kit limits', () => {
  it('refuses more than 50 blocks in a message', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const refused = await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x', blocks }));
    expect(refused).toEqual({ error: 'invalid_blocks', messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] });
  });

  it('refuses a section text of 3001 characters and points at it', async () => {
    const blocks = [section('a'), section('b'), { type: 'divider' }, section('x'.repeat(3001))];
    const refused = await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'x', blocks }));
    expect(refused).toEqual({ error: 'invalid_blocks', messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/3/text/text]'] });
    expect(standIn.allMessages()).toHaveLength(0);
  });

  it('refuses duplicate block ids, unknown block types and oversized buttons', async () => {
    const cases: Array<[unknown[], string]> = [
      [[section('a', 'b1'), section('b', 'b1')], '/blocks/1/block_id'],
      [[{ type: 'carousel' }], '/blocks/0/type'],
      [[{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'x'.repeat(76) }, action_id: 'a' }] }], '/blocks/0/elements/0/text/text'],
      [[{ type: 'header', text: { type: 'mrkdwn', text: '*bold*' } }], '/blocks/0/text/type'],
      [[{ type: 'section', text: { type: 'mrkdwn', text: '' } }], '/blocks/0/text/text'],
    ];
    for (const [blocks, pointer] of cases) {
      const refused = await refusal(client.apiCall('chat.postMessage', { channel: 'C0GENERAL', text: 'x', blocks }));
      expect(refused.error).toBe('invalid_blocks');
      expect(refused.messages[0]).toContain(`[json-pointer:${pointer}]`);
    }
  });

  it('refuses a modal title of 25 characters', async () => {
    const refused = await refusal(client.views.open({ trigger_id: standIn.issueTriggerId('U0ALICE'), view: modal('x'.repeat(25)) }));
    expect(refused).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] });
    expect(standIn.openViews('U0ALICE')).toEqual([]);
  });
});

describe('views', () => {
  it('uses a trigger_id once and only within 3 seconds', async () => {
    const trigger = standIn.issueTriggerId('U0ALICE');
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({ type: 'modal', state: { values: {} } });
    expect(opened.view?.id).toMatch(/^V/);
    expect((await refusal(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe('exchanged_trigger_id');
    expect((await refusal(client.views.open({ trigger_id: '123.456.abc', view: modal() }))).error).toBe('invalid_trigger_id');

    const late = standIn.issueTriggerId('U0ALICE');
    clock += 3_001;
    expect((await refusal(client.views.open({ trigger_id: late, view: modal() }))).error).toBe('expired_trigger_id');
    expect(standIn.openViews('U0ALICE')).toHaveLength(1);
  });

  it('stacks at most 3 modals', async () => {
    await client.views.open({ trigger_id: standIn.issueTriggerId('U0BOB'), view: modal('one') });
    await client.views.push({ trigger_id: standIn.issueTriggerId('U0BOB'), view: modal('two') });
    await client.views.push({ trigger_id: standIn.issueTriggerId('U0BOB'), view: modal('three') });
    expect((await refusal(client.views.push({ trigger_id: standIn.issueTriggerId('U0BOB'), view: modal('four') }))).error)
      .toBe('push_limit_reached');
    const stack = standIn.openViews('U0BOB');
    expect(stack.map((v) => (v.title as { text: string }).text)).toEqual(['one', 'two', 'three']);
    expect(standIn.takeView('U0BOB', stack[2]?.id ?? '')?.id).toBe(stack[2]?.id);
    expect(standIn.openViews('U0BOB')).toHaveLength(2);
    expect(standIn.closeView('U0BOB', stack[0]?.id ?? '')).toBe(true);
    expect(standIn.openViews('U0BOB')).toHaveLength(0);
  });

  it('requires submit when a modal has an input block', async () => {
    const view = {
      ...modal(),
      blocks: [{ type: 'input', block_id: 'notes', label: { type: 'plain_text', text: 'Notes' }, element: { type: 'plain_text_input', action_id: 'v' } }],
    };
    const refused = await refusal(client.apiCall('views.open', { trigger_id: standIn.issueTriggerId('U0ALICE'), view }));
    expect(refused.messages[0]).toContain('[json-pointer:/view/submit]');
  });

  it('updates by id with hash checks and publishes home tabs', async () => {
    const opened = await client.views.open({ trigger_id: standIn.issueTriggerId('U0ALICE'), view: modal('before') });
    const id = opened.view?.id ?? '';
    expect((await refusal(client.views.update({ view_id: id, hash: 'stale', view: modal('after') }))).error).toBe('hash_conflict');
    expect((await refusal(client.views.update({ view_id: 'V0NOPE', view: modal('after') }))).error).toBe('not_found');
    const updated = await client.views.update({ view_id: id, hash: opened.view?.hash ?? '', view: modal('after') });
    expect(updated.view?.id).toBe(id);
    expect(standIn.openViews('U0ALICE')[0]?.title).toEqual({ type: 'plain_text', text: 'after' });

    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [section('Welcome')] } });
    expect(standIn.homeView('U0ALICE')).toMatchObject({ type: 'home', blocks: [section('Welcome')] });
  });
});

describe('faults', () => {
  it('answers an injected 429 with Retry-After, then recovers', async () => {
    standIn.fail('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect((await client.chat.postMessage({ channel: 'C0GENERAL', text: 'x' })).ok).toBe(true);

    standIn.fail('auth.test', { status: 429, retryAfter: 3 });
    const raw = await fetch(`${standIn.apiUrl}auth.test`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('3');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('injects 5xx answers and error codes for a number of calls', async () => {
    standIn.fail('auth.test', { status: 503 });
    expect(await client.auth.test().catch((e: unknown) => e)).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    standIn.fail('auth.test', { error: 'fatal_error' }, 2);
    expect((await refusal(client.auth.test())).error).toBe('fatal_error');
    expect((await refusal(client.auth.test())).error).toBe('fatal_error');
    expect((await client.auth.test()).ok).toBe(true);
    expect(standIn.calls.map((c) => c.error ?? 'ok')).toEqual(['http_503', 'fatal_error', 'fatal_error', 'ok']);
  });

  it('aims a fault at the calls whose parameters it names, leaving the others alone', async () => {
    standIn.fail('chat.postMessage', { error: 'fatal_error' }, 1, (params) => params.text === 'second');
    expect((await client.chat.postMessage({ channel: 'C0GENERAL', text: 'first' })).ok).toBe(true);
    expect((await refusal(client.chat.postMessage({ channel: 'C0GENERAL', text: 'second' }))).error).toBe('fatal_error');
    expect((await client.chat.postMessage({ channel: 'C0GENERAL', text: 'second' })).ok).toBe(true);
    expect(standIn.calls.map((c) => `${String(c.params.text)}:${c.error ?? 'ok'}`)).toEqual(['first:ok', 'second:fatal_error', 'second:ok']);
  });

  it('delays a call and then answers it normally', async () => {
    standIn.fail('auth.test', { delayMs: 60 });
    const started = performance.now();
    expect((await client.auth.test()).ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });
});

describe('response_url', () => {
  async function respond(url: string, body: object): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  }

  it('posts in_channel as the bot, otherwise ephemerally to the user', async () => {
    const url = standIn.newResponseUrl({ channel: 'C0GENERAL', user: 'U0ALICE' });
    expect(url).toMatch(new RegExp(`^${standIn.url}/response/`));
    expect(await respond(url, { text: 'only alice', response_type: 'ephemeral' })).toEqual({ status: 200, text: 'ok' });
    expect(await respond(url, { text: 'everyone', response_type: 'in_channel' })).toEqual({ status: 200, text: 'ok' });
    expect(standIn.ephemerals()).toEqual([expect.objectContaining({ user: 'U0ALICE', text: 'only alice', source: 'response_url' })]);
    expect(standIn.messages('C0GENERAL')).toEqual([expect.objectContaining({ text: 'everyone', user: 'U0BOT' })]);
  });

  it('replaces the original message when asked', async () => {
    const sent = await client.chat.postMessage({ channel: 'C0GENERAL', text: 'Start?' });
    const url = standIn.newResponseUrl({ channel: 'C0GENERAL', user: 'U0ALICE', messageTs: sent.ts ?? '' });
    await respond(url, { text: 'Started', replace_original: true });
    expect(standIn.messages('C0GENERAL').map((m) => m.text)).toEqual(['Started']);
  });

  it('allows 5 uses and answers 404 for unknown or used-up URLs', async () => {
    const url = standIn.newResponseUrl({ channel: 'C0GENERAL', user: 'U0ALICE' });
    for (let i = 0; i < 5; i += 1) expect((await respond(url, { text: `n${i}` })).status).toBe(200);
    expect(await respond(url, { text: 'again' })).toEqual({ status: 404, text: 'used_url' });
    expect((await respond(`${standIn.url}/response/deadbeef`, { text: 'x' })).status).toBe(404);
    const old = standIn.newResponseUrl({ channel: 'C0GENERAL', user: 'U0ALICE' });
    clock += 30 * 60_000 + 1;
    expect(await respond(old, { text: 'late' })).toEqual({ status: 404, text: 'expired_url' });
  });
});
