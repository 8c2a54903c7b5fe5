/**
 * `/mockdesign export` through the real Bolt router and the stand-in's external upload flow: the files in the
 * thread, who may export, which session, and failures that leave nothing half-posted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Scorecard } from '../../src/domain/scorecard.ts';
import { allText, CHANNEL, createHarness, GUEST, HOST, type Harness } from '../support/harness.ts';

const CANDIDATE = GUEST; // U0BOB
const INTERVIEWER = 'U0CAROL';
const STRANGER = 'U0DAVE';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

type Ack = { text: string };
const ackText = async (text: string, user = HOST, channel = CHANNEL) => ((await h.command(text, { user, channel })) as Ack).text;

/** What the person was told afterwards, through the command's response URL. */
function laterAnswers(user = HOST): string[] {
  return h.slack.ephemerals().filter((e) => e.source === 'response_url' && e.user === user).map((e) => allText(e));
}

function fileMessages(channel = CHANNEL) {
  return h.thread(channel).filter((m) => (m.files?.length ?? 0) > 0);
}

/** An interviewer keeps a note for the panel only, through the note form. */
async function privateNote(user: string, text: string): Promise<void> {
  const actions = (h.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
  await h.click('mockdesign_add_note', actions.elements[0]?.value ?? '', { user });
  const view = h.slack.openViews(user).at(-1);
  if (!view) throw new Error('no note form');
  await h.submitView(
    { id: view.id, callback_id: view.callback_id, private_metadata: view.private_metadata },
    {
      note_text_block: { note_text: { type: 'plain_text_input', value: text } },
      note_phase_block: { note_phase: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'p' }, value: '0' } } },
      note_kind_block: { note_kind: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'k' }, value: 'feedback' } } },
      note_visibility_block: { note_visibility: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'v' }, value: 'interviewers' } } },
    },
    { user },
  );
}

async function liveInterview(): Promise<void> {
  h = await createHarness();
  await h.command(`start Design a chat app --candidate <@${CANDIDATE}> --interviewer <@${INTERVIEWER}>`);
  await h.command('note Messages are ordered per conversation, "exactly once", =SUM(1,2)');
  await privateNote(INTERVIEWER, 'PRIVATE jumped to Kafka before any requirement');
  await h.command('note --kind question What about <b>group chats</b>?', { user: CANDIDATE });
}

describe('export', () => {
  it('uploads the session as Markdown and its notes as CSV into the thread, without the private note', async () => {
    await liveInterview();
    const sessionId = String(h.db.prepare('SELECT id FROM sessions').pluck().get());
    const ack = await ackText('export', INTERVIEWER);
    // The topic links to the session message.
    expect(ack).toMatch(/Exporting \*<http:\/\/127\.0\.0\.1:\d+\/archives\/C0GENERAL\/p\d+\|Design a chat app>\*/);
    expect(ack).toContain(sessionId);

    const [message, ...more] = fileMessages();
    expect(more).toHaveLength(0);
    expect(message?.thread_ts).toBe(h.root()?.ts);
    expect(message?.text).toContain(`Export of Design a chat app, asked for by <@${INTERVIEWER}>`);
    const files = h.slack.files();
    expect(files.map((f) => f.name)).toEqual([expect.stringMatching(/^mockdesign-design-a-chat-app-\d{4}-\d{2}-\d{2}\.md$/), expect.stringMatching(/-notes\.csv$/)]);
    expect(message?.files).toEqual(files.map((f) => f.id));
    expect(files.every((f) => f.channel === CHANNEL && f.thread_ts === h.root()?.ts)).toBe(true);
    expect(files.map((f) => f.title)).toEqual(['Design a chat app: session', 'Design a chat app: notes']);

    const markdown = files[0]?.bytes?.toString('utf8') ?? '';
    expect(markdown.split('\n')[0]).toBe('# Design a chat app');
    // Named as Slack names them: the file is read outside Slack, where user ids mean nothing.
    expect(markdown).toContain('- **Host:** alice');
    expect(markdown).toContain('- **Candidate:** bob');
    expect(markdown).toContain('- **Interviewer:** carol');
    expect(markdown).toContain('| 1 | Requirements & scope | 5 min |');
    expect(markdown).toContain('- **Requirement** · alice');
    expect(markdown).toContain('Messages are ordered per conversation, "exactly once", =SUM(1,2)');
    expect(markdown).toContain('- **Question** · bob');
    expect(markdown).not.toMatch(/`U0[A-Z]+`/);
    expect(markdown).toContain('What about \\<b\\>group chats\\</b\\>?');
    expect(markdown).toContain('The cards are revealed when the session ends.');
    expect(markdown).toContain('## Wrap-up reminder');

    // UTF-8 with a byte-order mark, which Excel needs to read it as UTF-8.
    expect([...(files[1]?.bytes?.subarray(0, 3) ?? [])]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = files[1]?.bytes?.subarray(3).toString('utf8') ?? '';
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('phase,phase_name,kind,author_id,created_at,text');
    expect(lines[1]).toMatch(new RegExp(`^1,Requirements & scope,Requirement,${HOST},[^,]+,"Messages are ordered per conversation, ""exactly once"", =SUM\\(1,2\\)"$`));
    expect(lines[2]).toMatch(new RegExp(`^1,Requirements & scope,Question,${CANDIDATE},[^,]+,What about <b>group chats</b>\\?$`));
    expect(lines.slice(3)).toEqual(['']);

    // The note kept for the interviewers is nowhere the channel can read.
    expect(markdown).not.toContain('PRIVATE');
    expect(csv).not.toContain('PRIVATE');
    expect(h.slack.allMessages().some((m) => allText(m).includes('PRIVATE'))).toBe(false);
    expect(laterAnswers(INTERVIEWER).at(-1)).toContain('Uploaded to the thread of');
    expect(h.logs.some((l) => l.msg === 'session exported' || l.message === 'session exported')).toBe(true);
  });

  it('is refused to someone who did not take part, and to the candidate until the interview has ended', async () => {
    await liveInterview();
    expect(await ackText('export', STRANGER)).toMatch(/Only the people who took part in \*<[^|]+\|Design a chat app>\* can export it/);
    expect(await ackText('export', CANDIDATE)).toContain('once the interview has ended');
    expect(h.slack.files()).toHaveLength(0);
    expect(h.slack.calls.some((c) => c.method.startsWith('files.'))).toBe(false);

    await h.command('end');
    await h.tick();
    // Ended: the latest session of the channel, and now the candidate may take it home, scorecard and all.
    const sessionId = String(h.db.prepare('SELECT id FROM sessions').pluck().get());
    const card = (scorerId: string, role: Scorecard['role'], strengths: string): Scorecard => ({
      scorerId, role, scores: { requirements: { score: 3, evidence: 'EVIDENCE stays on the card' } }, redFlags: [], strengths, improvements: '', submittedAt: 1, updatedAt: 1,
    });
    await h.store.scorecards.save(sessionId, card(INTERVIEWER, 'interviewer', 'Clear APIs'));
    await h.store.scorecards.save(sessionId, card(CANDIDATE, 'candidate', 'I asked good questions'));
    expect(await ackText('export', CANDIDATE)).toContain('Exporting');
    const markdown = h.slack.files()[0]?.bytes?.toString('utf8') ?? '';
    expect(markdown).toContain('- **Status:** ended');
    expect(markdown).toContain('| Requirements and scope | 3 (solid) | – | 3 (solid) |');
    expect(markdown).toContain('- carol: Clear APIs');
    expect(markdown).toContain("### In bob's own words");
    expect(markdown).toContain('### Feedback for bob');
    expect(markdown).toContain('- What went well: I asked good questions');
    expect(markdown).not.toContain('EVIDENCE');
    expect(markdown).not.toContain('PRIVATE');
  });

  it('names someone Slack will not name by their user id, and still uploads', async () => {
    await liveInterview();
    h.slack.fail('users.info', { error: 'user_not_found' }, 1, (params) => params.user === INTERVIEWER);
    expect(await ackText('export')).toContain('Exporting');
    const markdown = h.slack.files()[0]?.bytes?.toString('utf8') ?? '';
    expect(markdown).toContain(`- **Interviewer:** \`${INTERVIEWER}\``);
    expect(markdown).toContain('- **Candidate:** bob');
    expect(laterAnswers().at(-1)).toContain('Uploaded to the thread of');
  });

  it('exports a session named by its id or by a link to its session message, only from its own channel', async () => {
    h = await createHarness();
    await h.command('start Design a rate limiter');
    await h.command('note Token bucket per user');
    await h.command('end');
    await h.tick();
    await h.command('start Design a feed');
    const [first] = h.db.prepare('SELECT id, root_ts FROM sessions ORDER BY created_at, rowid').all() as { id: string; root_ts: string }[];
    if (!first) throw new Error('no session');

    // No session named: the live one.
    expect(await ackText('export')).toContain('Exporting *');
    expect(h.slack.files()[0]?.bytes?.toString('utf8')).toContain('# Design a feed');
    // By id, and by the link Slack's "Copy link" gives (here to a reply in its thread, which carries the root).
    expect(await ackText(`export ${first.id}`)).toContain('Exporting');
    expect(h.slack.files()[2]?.bytes?.toString('utf8')).toContain('# Design a rate limiter');
    const link = `<https://sandbox.slack.com/archives/${CHANNEL}/p1893488999000100?thread_ts=${first.root_ts}&amp;cid=${CHANNEL}|the rate limiter>`;
    expect(await ackText(`export ${link}`)).toContain('Exporting');
    expect(h.slack.files()[4]?.bytes?.toString('utf8')).toContain('# Design a rate limiter');
    // The rate limiter's files went to its own thread, not the live session's.
    expect(h.slack.files()[4]?.thread_ts).toBe(first.root_ts);

    // From another channel, the same id or link finds nothing.
    expect(await ackText(`export ${first.id}`, HOST, 'C0PREP')).toContain("can't find that session in this channel");
    expect(await ackText(`export <https://sandbox.slack.com/archives/${CHANNEL}/p${first.root_ts.replace('.', '')}>`, HOST, 'C0PREP')).toContain("can't find that session");
    expect(await ackText('export NoSuchSession1')).toContain("can't find that session");
    expect(await ackText('export', HOST, 'G0PRIVATE')).toContain('No session has run in this channel yet');
    expect(h.slack.files()).toHaveLength(6);
  });

  it('says what went wrong when an upload fails, and posts nothing until it can post everything', async () => {
    await liveInterview();
    const before = h.thread().length;

    // The first file's bytes are refused by the upload URL.
    h.slack.fail('upload_url', { status: 500 });
    expect(await ackText('export')).toContain('Exporting');
    expect(laterAnswers().at(-1)).toContain('Something went wrong and the export was not uploaded; nothing was posted. Please try again');
    expect(h.thread()).toHaveLength(before);
    expect(h.slack.files().every((f) => f.completedAt === undefined)).toBe(true);

    // Both files uploaded, then Slack refuses to share them: still nothing in the thread.
    h.slack.fail('files.completeUploadExternal', { error: 'invalid_channel_id' });
    await h.command('export');
    expect(laterAnswers().at(-1)).toContain('Please try again');
    expect(h.thread()).toHaveLength(before);

    // The app was installed before it asked for files:write.
    h.slack.fail('files.getUploadURLExternal', { error: 'missing_scope' });
    await h.command('export');
    expect(laterAnswers().at(-1)).toContain('`files:write`');
    expect(laterAnswers().at(-1)).toContain('reinstall mockdesign');
    expect(h.thread()).toHaveLength(before);

    // Each failure was logged once, with where it broke and Slack's code, and never a token or an upload URL.
    const failures = h.logs.filter((l) => JSON.stringify(l).includes('export failed'));
    expect(failures.map((l) => [l.stage, l.code])).toEqual([
      ['upload', 'http_500'],
      ['complete', 'invalid_channel_id'],
      ['get_url', 'missing_scope'],
    ]);
    const logged = JSON.stringify(h.logs);
    expect(logged).not.toContain('xoxb-');
    expect(logged).not.toContain('/upload/v1/');

    // Once Slack is well again, the export goes through whole.
    await h.command('export');
    expect(fileMessages()).toHaveLength(1);
    expect(fileMessages()[0]?.files).toHaveLength(2);
    expect(laterAnswers().at(-1)).toContain('Uploaded to the thread');
  });

  it('does not say nothing was posted when Slack may have shared the files without saying so, and tries nothing again', async () => {
    await liveInterview();
    // A 5xx, or Slack's own internal_error ("it's possible some aspect of the operation succeeded"), when sharing the
    // uploaded files: they may be in the thread already, and exporting again would put them there twice.
    for (const fault of [{ status: 500 }, { error: 'internal_error' }] as const) {
      const before = laterAnswers().length;
      h.slack.fail('files.completeUploadExternal', fault);
      expect(await ackText('export')).toContain('Exporting');
      const told = laterAnswers().slice(before);
      expect(told).toHaveLength(1);
      expect(told[0]).not.toContain('nothing was posted');
      // The topic links to the session message, whose thread is where to look.
      expect(told[0]).toMatch(/Slack did not confirm that the export reached the thread of \*<http[^|>]+\/archives\/C0GENERAL\/p\d+\|Design a chat app>\*, and it may have/);
      expect(told[0]).toContain('look there before exporting again');
    }
    // Each was shared once and not tried again by itself; each logged once, where it broke.
    expect(h.slack.calls.filter((c) => c.method === 'files.completeUploadExternal')).toHaveLength(2);
    expect(h.logs.filter((l) => JSON.stringify(l).includes('export failed')).map((l) => [l.stage, l.code])).toEqual([
      ['complete', 'http_500'],
      ['complete', 'internal_error'],
    ]);

    // Slack refusing before it shares anything is still said as it is.
    h.slack.fail('files.completeUploadExternal', { error: 'invalid_thread_ts' });
    await h.command('export');
    expect(laterAnswers().at(-1)).toContain('nothing was posted');
  });

  it('asks to be invited back to a private channel, and waits for a session message to have a thread', async () => {
    h = await createHarness();
    // A private channel the bot is not in: the session waits, with no session message yet.
    await h.command('start Design a queue', { channel: 'G0PRIVATE' });
    expect(await ackText('export', HOST, 'G0PRIVATE')).toContain('has no session message in this channel yet');

    await h.command('start Design a cache');
    await h.command('note LRU first');
    const channel = h.slack.workspace.channels.get(CHANNEL);
    if (!channel) throw new Error('no channel');
    // The channel turned private and the bot was removed from it after the session message went up.
    channel.isPrivate = true;
    channel.botIsMember = false;
    expect(await ackText('export')).toContain('Exporting');
    expect(laterAnswers().at(-1)).toContain('Invite me with `/invite @mockdesign`');
    expect(h.slack.calls.filter((c) => c.method === 'files.completeUploadExternal').map((c) => c.error)).toEqual(['not_in_channel']);
    expect(h.slack.allMessages().some((m) => (m.files?.length ?? 0) > 0)).toBe(false);
  });

  it('joins a public channel it posts to without being a member, then shares the files', async () => {
    h = await createHarness();
    await h.command('start Design a cache', { channel: 'C0PREP' });
    expect(h.root('C0PREP')).toBeDefined();
    expect(await ackText('export', HOST, 'C0PREP')).toContain('Exporting');
    expect(h.slack.calls.filter((c) => c.method === 'files.completeUploadExternal').map((c) => c.error ?? 'ok')).toEqual(['not_in_channel', 'ok']);
    expect(h.slack.calls.some((c) => c.method === 'conversations.join' && c.ok)).toBe(true);
    expect(fileMessages('C0PREP')).toHaveLength(1);
  });
});
