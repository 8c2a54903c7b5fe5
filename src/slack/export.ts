/**
 * `/mockdesign export [session]`: uploads a session to its thread as a Markdown document and a CSV of its notes,
 * through Slack's external upload flow: `files.getUploadURLExternal` for each file, the bytes POSTed to the URL it
 * gives, then one `files.completeUploadExternal` that shares both files in the thread in a single message. Until
 * that last call nothing is visible to anyone, so a failure on the way leaves nothing half-posted.
 *
 * The two Web API calls go through the listener's Bolt client, already authorized for the request's workspace. The
 * upload URL is a one-time, pre-authorized address: it is sent the bytes and nothing else (no token), and it is
 * never logged.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { exportFileNames, exportRefusal, notesCsv, type SessionRef, sessionMarkdown } from '../domain/export.ts';
import { reaches, type Session, type Workspace } from '../domain/session.ts';
import { clip } from '../domain/text.ts';
import { answerPrivately, throughResponseUrl } from './answer-privately.ts';
import type { ListenerDeps } from './deps.ts';
import { escapeMrkdwn, mention, strongTopic } from './mrkdwn.ts';
import { userNames } from './users.ts';
import type { SlackMessage } from './views/message.ts';
import { renderPlain } from './views/replies.ts';
import { slackErrorCode } from './web-api.ts';

type Args = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

/** How long one POST of a file's bytes may take. */
export const UPLOAD_TIMEOUT_MS = 30_000;

export interface UploadFile {
  readonly filename: string;
  readonly title: string;
  readonly content: string;
}

export interface UploadTarget {
  readonly channelId: string;
  /** The session message: files shared with it land in its thread. */
  readonly threadTs: string;
  readonly initialComment: string;
}

/**
 * What went wrong, as far as the person who asked can do anything about it. `uncertain`: sharing the uploaded files
 * failed in a way that does not say whether Slack shared them (a 5xx, a timeout, Slack's `internal_error`).
 */
export type UploadFailure = 'missing_scope' | 'not_in_channel' | 'uploads_disabled' | 'channel_gone' | 'uncertain' | 'failed';

export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly kind: UploadFailure;
  /** Slack's error code, `http_<status>`, or what the network said: never a token or an upload URL. */
  readonly code: string;
  readonly stage: 'get_url' | 'upload' | 'complete';
  constructor(kind: UploadFailure, code: string, stage: UploadError['stage']) {
    super(`${stage}: ${code}`);
    this.kind = kind;
    this.code = code;
    this.stage = stage;
  }
}

const UPLOADS_DISABLED = new Set(['file_uploads_disabled', 'file_uploads_except_images_disabled', 'storage_limit_reached', 'file_upload_size_restricted']);
const CHANNEL_GONE = new Set(['channel_not_found', 'is_archived', 'invalid_channel']);
/** Errors Slack documents as "it's possible some aspect of the operation succeeded before the error was raised". */
const MAYBE_DONE = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Reads what the WebClient threw (its own error codes) as a failure we can explain. */
function classify(error: unknown, stage: UploadError['stage']): UploadError {
  if (error instanceof UploadError) return error;
  // Until the files are shared nothing is visible, so a failure before that step is a plain failure. When sharing
  // them fails without a clear refusal, Slack may have shared them all the same.
  const unknownOutcome: UploadFailure = stage === 'complete' ? 'uncertain' : 'failed';
  const e = error as { code?: string; statusCode?: number; retryAfter?: number };
  switch (e?.code) {
    case 'slack_webapi_platform_error': {
      const code = clip(slackErrorCode(error) ?? 'unknown_error', 60);
      if (code === 'missing_scope') return new UploadError('missing_scope', code, stage);
      if (code === 'not_in_channel') return new UploadError('not_in_channel', code, stage);
      if (UPLOADS_DISABLED.has(code)) return new UploadError('uploads_disabled', code, stage);
      if (CHANNEL_GONE.has(code)) return new UploadError('channel_gone', code, stage);
      return new UploadError(MAYBE_DONE.has(code) ? unknownOutcome : 'failed', code, stage);
    }
    case 'slack_webapi_rate_limited_error':
      // A 429 is answered before the call does anything.
      return new UploadError('failed', 'ratelimited', stage);
    case 'slack_webapi_http_error':
      return new UploadError((e.statusCode ?? 0) >= 500 ? unknownOutcome : 'failed', `http_${e.statusCode ?? 0}`, stage);
    default:
      // A timeout or a dropped connection: the request may have reached Slack.
      return new UploadError(unknownOutcome, error instanceof Error ? clip(error.name, 40) : 'unknown', stage);
  }
}

async function step<T>(stage: UploadError['stage'], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classify(error, stage);
  }
}

/** The Web API calls the upload makes; Bolt's per-request client has them. */
export type FilesClient = Pick<WebClient, 'files' | 'conversations'>;

export interface UploadOptions {
  /** The HTTP client for the upload URL (tests may pass their own). */
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** POSTs a file's bytes to its upload URL. Slack answers 200 when it has them. */
async function postBytes(uploadUrl: string, bytes: Uint8Array, options: UploadOptions): Promise<void> {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    throw new UploadError('failed', 'bad_upload_url', 'upload');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UploadError('failed', 'bad_upload_url', 'upload');
  const send = options.fetch ?? fetch;
  const response = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
    redirect: 'error',
    signal: AbortSignal.timeout(options.timeoutMs ?? UPLOAD_TIMEOUT_MS),
  });
  // Read to the end, so the connection can be reused; what it says does not matter.
  await response.arrayBuffer().catch(() => undefined);
  if (response.status !== 200) throw new UploadError('failed', `http_${response.status}`, 'upload');
}

/**
 * Uploads files and shares them together in a thread, as one message with `initialComment`. When Slack says the bot
 * is not in the channel (a public channel it posts to without joining), it joins and shares again, once.
 * Throws UploadError; returns the ids of the files shared.
 */
export async function uploadToThread(client: FilesClient, files: readonly UploadFile[], target: UploadTarget, options: UploadOptions = {}): Promise<string[]> {
  const uploaded: { id: string; title: string }[] = [];
  for (const file of files) {
    const bytes = new Uint8Array(Buffer.from(file.content, 'utf8'));
    const ticket = await step('get_url', () => client.files.getUploadURLExternal({ filename: file.filename, length: bytes.byteLength }));
    if (typeof ticket.upload_url !== 'string' || typeof ticket.file_id !== 'string') throw new UploadError('failed', 'no_upload_url', 'get_url');
    const uploadUrl = ticket.upload_url;
    await step('upload', () => postBytes(uploadUrl, bytes, options));
    uploaded.push({ id: ticket.file_id, title: file.title });
  }
  const [first, ...rest] = uploaded;
  if (!first) return [];
  const share = () =>
    client.files.completeUploadExternal({ files: [first, ...rest], channel_id: target.channelId, thread_ts: target.threadTs, initial_comment: target.initialComment });
  try {
    await step('complete', share);
  } catch (error) {
    if (!(error instanceof UploadError) || error.kind !== 'not_in_channel') throw error;
    // A public channel the bot posts to without being a member: join it, then share again. A channel it cannot join
    // (a private one, or no channels:join) leaves the bot where it was: not in the channel, to be invited.
    try {
      await client.conversations.join({ channel: target.channelId });
    } catch {
      throw error;
    }
    await step('complete', share);
  }
  return uploaded.map((f) => f.id);
}

// ---------------------------------------------------------------- the command

const FAILURES: Record<Exclude<UploadFailure, 'uncertain'>, string> = {
  missing_scope:
    "I couldn't upload the export: mockdesign was installed without the `files:write` permission that uploads need. Ask whoever manages apps in this workspace to reinstall mockdesign (Slack will ask for the new permission), then try again.",
  not_in_channel: "I couldn't upload the export: I'm not a member of this channel. Invite me with `/invite @mockdesign`, then try again.",
  uploads_disabled: "I couldn't upload the export: this workspace doesn't allow the file upload. An admin can change that in the workspace's settings.",
  channel_gone: "I couldn't upload the export: this channel is archived or gone.",
  failed: 'Something went wrong and the export was not uploaded; nothing was posted. Please try again in a moment.',
};

/** Why the export did not go through; `topic` (mrkdwn) names the session whose thread it was for. */
export function renderExportFailure(kind: UploadFailure, topic: string): SlackMessage {
  if (kind === 'uncertain') {
    return renderPlain(
      `⚠️ Slack did not confirm that the export reached the thread of ${topic}, and it may have: look there before exporting again, so that the files are not there twice.`,
    );
  }
  return renderPlain(`⚠️ ${FAILURES[kind]}`);
}

export function renderExportNotFound(ref: SessionRef | undefined): SlackMessage {
  return renderPlain(
    ref === undefined
      ? 'No session has run in this channel yet, so there is nothing to export. Start one with `/mockdesign start &lt;topic&gt;`.'
      : "I can't find that session in this channel. Give its id (the export shows it) or a link to its session message, or type `/mockdesign export` alone for the latest session here.",
  );
}

async function findSession(deps: ListenerDeps, workspace: Workspace, channelId: string, ref: SessionRef | undefined): Promise<Session | undefined> {
  const from = { ...workspace, channelId };
  if (ref === undefined) return (await deps.sessions.liveHere(from)) ?? (await deps.store.sessions.latestInChannel(workspace, channelId));
  if (ref.kind === 'message' && ref.channelId !== channelId) return undefined;
  const session = ref.kind === 'id' ? await deps.store.sessions.find(ref.id) : await deps.store.sessions.findByRoot(channelId, ref.ts);
  // Only a session of this channel, and seen from here as any other request sees it (another workspace's session
  // only in a channel Slack confirms is shared).
  if (!session || session.channelId !== channelId) return undefined;
  return reaches(session, await deps.sessions.accessTo(session.id, from)) ? session : undefined;
}

/**
 * Answers `export` in the ack (which session, or why not), then builds and uploads the files and says how it went
 * through the response URL.
 */
export async function exportCommand(
  args: Args,
  deps: ListenerDeps,
  input: { readonly workspace: Workspace; readonly channelId: string; readonly userId: string },
  ref: SessionRef | undefined,
): Promise<void> {
  const { workspace, channelId, userId } = input;
  const reply = (message: SlackMessage) => args.ack({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });

  const session = await findSession(deps, workspace, channelId, ref);
  if (!session) return reply(renderExportNotFound(ref));
  const participants = await deps.store.sessions.participants(session.id);
  const refusal = exportRefusal(session, userId, participants);
  if (refusal === 'candidate_live') return reply(renderPlain(`You can export ${strongTopic(session)} once the interview has ended.`));
  if (refusal === 'not_participant') {
    return reply(renderPlain(`Only the people who took part in ${strongTopic(session)} can export it: its host (${mention(session.hostId)}), its interviewers and everyone who joined in.`));
  }
  const threadTs = session.rootTs;
  if (threadTs === null) return reply(renderPlain(`${strongTopic(session)} has no session message in this channel yet, so there is no thread to put the export in. Try again in a moment.`));
  await reply(renderPlain(`📤 Exporting ${strongTopic(session)} (session \`${escapeMrkdwn(session.id)}\`): a Markdown document and a CSV of its notes are on their way to its thread.`));

  const fields = { team: workspace.teamId, channel: channelId, session: session.id };
  const later = answerPrivately(deps.logger, fields, throughResponseUrl(args.respond));
  try {
    const [notes, scorecards] = await Promise.all([deps.store.sessions.notes(session.id), deps.store.scorecards.forSession(session.id)]);
    // The document is read outside Slack, where user ids mean nothing: it names people as Slack does.
    const people = [
      session.hostId,
      ...(session.candidateId ? [session.candidateId] : []),
      ...session.interviewers,
      ...session.observers,
      ...participants,
      ...notes.map((n) => n.authorId),
      ...scorecards.map((c) => c.scorerId),
    ];
    const peopleNames = await userNames(args.client, people);
    const names = exportFileNames(session);
    const files: UploadFile[] = [
      {
        filename: names.markdown,
        title: `${clip(session.topic, 150)}: session`,
        content: sessionMarkdown({ session, notes, participants, scorecards, names: peopleNames, exportedAt: deps.clock() }),
      },
      { filename: names.csv, title: `${clip(session.topic, 150)}: notes`, content: notesCsv(notes) },
    ];
    await uploadToThread(args.client, files, {
      channelId,
      threadTs,
      initialComment: `📄 ${escapeMrkdwn(`Export of ${session.topic}`)}, asked for by ${mention(userId)}: the session as Markdown and its notes as CSV.`,
    });
    deps.logger.info('session exported', { ...fields, bytes: files.reduce((n, f) => n + Buffer.byteLength(f.content), 0) });
    await later(renderPlain(`✅ Uploaded to the thread of ${strongTopic(session)}: \`${names.markdown}\` and \`${names.csv}\`.`));
  } catch (error) {
    if (error instanceof UploadError) {
      deps.logger.warn('export failed', { ...fields, stage: error.stage, code: error.code });
      await later(renderExportFailure(error.kind, strongTopic(session)));
      return;
    }
    deps.logger.error('export failed', fields, error);
    await later(renderExportFailure('failed', strongTopic(session)));
  }
}
