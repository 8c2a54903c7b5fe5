/** response_url webhooks: short-lived, few uses, post in channel or ephemerally, or replace/delete the original. */
import { checkMessageBlocks } from './block-kit-limits.ts';
import { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './workspace.ts';
import type { StoredEphemeral, Workspace } from './workspace.ts';

export interface ResponseUrlAnswer {
  status: number;
  text: string;
  /** What happened, for the call record. */
  outcome?: string;
}

function lastEphemeralFrom(ws: Workspace, id: string): StoredEphemeral | undefined {
  return ws.ephemerals.filter((e) => e.responseUrlId === id).at(-1);
}

/** The bot that posts for a response URL: the one installed for the workspace (default: the workspace's own bot). */
export interface ResponseUrlPoster {
  userId: string;
  botId: string | null;
  appId: string;
}

export function answerResponseUrl(ws: Workspace, id: string, body: unknown, poster?: ResponseUrlPoster): ResponseUrlAnswer {
  const entry = ws.responseUrls.get(id);
  if (!entry) return { status: 404, text: 'no_service' };
  if (ws.now() - entry.createdAt > RESPONSE_URL_TTL_MS) return { status: 404, text: 'expired_url' };
  if (entry.uses >= RESPONSE_URL_MAX_USES) return { status: 404, text: 'used_url' };
  entry.uses += 1;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, text: 'invalid_payload' };
  const b = body as Record<string, unknown>;
  const original = entry.messageTs ? ws.findMessage(entry.channel, entry.messageTs) : undefined;
  const previous = lastEphemeralFrom(ws, id);

  if (b.delete_original === true) {
    if (original) ws.deleteMessage(original);
    else if (previous) {
      ws.ephemerals.splice(ws.ephemerals.indexOf(previous), 1);
      ws.changed({ kind: 'ephemeral_changed', channel: previous.channel, user: previous.user, ts: previous.ts });
    } else return { status: 404, text: 'message_not_found' };
    return { status: 200, text: 'ok', outcome: 'deleted' };
  }

  const text = typeof b.text === 'string' ? b.text : '';
  const blocks = b.blocks;
  if (blocks !== undefined && !Array.isArray(blocks)) return { status: 400, text: 'invalid_blocks_format' };
  if (!text && !(Array.isArray(blocks) && blocks.length > 0)) return { status: 400, text: 'no_text' };
  if (text.length > 40_000) return { status: 400, text: 'msg_too_long' };
  if (blocks !== undefined && checkMessageBlocks(blocks)) return { status: 400, text: 'invalid_blocks' };
  const blockList = blocks as unknown[] | undefined;

  if (b.replace_original === true) {
    if (original) {
      ws.updateMessage(original, { text, blocks: blockList }, poster?.userId);
      return { status: 200, text: 'ok', outcome: 'replaced' };
    }
    if (previous) {
      Object.assign(previous, { text, blocks: blockList });
      ws.changed({ kind: 'ephemeral_changed', channel: previous.channel, user: previous.user, ts: previous.ts });
      return { status: 200, text: 'ok', outcome: 'replaced' };
    }
  }

  const threadTs = typeof b.thread_ts === 'string' && b.thread_ts !== '' ? b.thread_ts : entry.threadTs;
  if (b.response_type === 'in_channel') {
    ws.addMessage({
      channel: entry.channel, ts: ws.nextTs(), user: poster?.userId ?? ws.config.botUserId,
      ...(ws.channels.get(entry.channel)?.teamId === ws.config.teamId ? {} : { team: ws.config.teamId }),
      bot_id: (poster ? poster.botId : ws.config.botId) ?? undefined, app_id: poster?.appId ?? ws.config.appId, text, blocks: blockList, thread_ts: threadTs,
    });
    return { status: 200, text: 'ok', outcome: 'in_channel' };
  }
  ws.addEphemeral({
    channel: entry.channel, user: entry.user, ts: ws.nextTs(), text, blocks: blockList, thread_ts: threadTs,
    source: 'response_url', responseUrlId: id,
  });
  return { status: 200, text: 'ok', outcome: 'ephemeral' };
}
