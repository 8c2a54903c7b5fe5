/** Calling the Slack stand-in's Web API from a test, as the app does. */
import { expect } from 'vitest';
import type { SlackStandIn } from '../../sandbox/stand-in/server.ts';

/** A Web API call as the app makes it, with the bot token; the answer must be ok. */
export async function callStandIn(standIn: SlackStandIn, method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${standIn.apiUrl}${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${standIn.botToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  const json = (await res.json()) as Record<string, unknown>;
  expect(json, `${method}: ${JSON.stringify(json)}`).toMatchObject({ ok: true });
  return json;
}
