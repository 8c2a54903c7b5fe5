/** Driving a running sandbox over its JSON API, as the page does: shapes of its answers and small helpers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/main.ts';
import { renderMessageContent, toText } from '../../sandbox/web/render.js';

export interface Message {
  ts: string;
  user: string;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  reply_count?: number;
}
export interface Ephemeral {
  ts: string;
  text: string;
  blocks?: unknown[];
  from: 'app' | 'slackbot';
  thread_ts?: string;
}
export interface View {
  id: string;
  hash: string;
  callback_id: string;
  blocks: Array<Record<string, unknown>>;
}
export interface State {
  channel: { messages: Message[]; ephemerals: Ephemeral[] } | null;
  thread: { parent: Message; replies: Message[]; ephemerals: Ephemeral[] } | null;
  modals: View[];
  home: (View & { type: string }) | null;
}

export interface SandboxApi {
  readonly sandbox: Sandbox;
  /** The app's and the sandbox's log lines, for failure messages. */
  readonly output: string[];
  readonly users: Map<string, { name: string }>;
  readonly channels: Map<string, { name: string }>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  state(user: string, channel: string, thread?: string): Promise<State>;
  /** Polls until `probe` returns something, or fails with what it was waiting for and the app's last lines. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  /** What a reader sees: the message rendered by the page's own renderer, as text. */
  seen(m: { text: string; blocks?: unknown[] }): string;
  stop(): Promise<void>;
}

/** Starts a sandbox on free ports with a temp database. */
export async function startSandboxApi(prefix: string): Promise<SandboxApi> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const output: string[] = [];
  const sandbox = await startSandbox({ port: 0, databaseUrl: join(dir, 'sandbox.db'), log: (line) => output.push(line) });
  const users = new Map<string, { name: string }>();
  const channels = new Map<string, { name: string }>();
  for (const u of sandbox.platform.workspaceInfo().users) users.set(u.id, u);
  for (const c of sandbox.platform.workspaceInfo().channels) channels.set(c.id, c);

  const api: SandboxApi = {
    sandbox,
    output,
    users,
    channels,
    async get<T>(path: string) {
      const res = await fetch(`${sandbox.url}${path}`);
      expect(res.status, `GET ${path}`).toBe(200);
      return (await res.json()) as T;
    },
    async post<T>(path: string, body: unknown) {
      const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as T;
      expect(res.status, `POST ${path}: ${JSON.stringify(json)}`).toBe(200);
      return json;
    },
    state(user, channel, thread) {
      const q = new URLSearchParams({ user, channel, ...(thread ? { thread } : {}) });
      return api.get<State>(`/api/state?${q}`);
    },
    async waitFor(what, probe, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await probe();
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.slice(-15).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    seen(m) {
      return toText(renderMessageContent(m, { users, channels, viewer: { id: 'U0ALICE', tz: 'Europe/London' } }));
    },
    async stop() {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return api;
}

export function headerOf(m: Message): string {
  const header = m.blocks?.find((b) => b.type === 'header') as { text?: { text?: string } } | undefined;
  return header?.text?.text ?? '';
}
