/** The sandbox page's HTTP server (node:http only): static assets, a small JSON API over the platform, and Server-Sent Events. */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequest, readBody, sendJson, sendText } from '../stand-in/http.ts';
import { PlatformError } from './platform.ts';
import type { ButtonRef, FieldValue, FileContent, FormFields, Platform, PlatformChange } from './platform.ts';

export interface WebServerOptions {
  platform: Platform;
  port?: number;
  /** Loopback by default: the sandbox has no authentication. */
  host?: string;
  /** Keeps SSE connections alive through proxies and lets the page notice a dead server. */
  heartbeatMs?: number;
}

export interface WebServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
  readonly port: number;
}

const WEB_DIR = dirname(fileURLToPath(import.meta.url));

/** The only files served: a fixed list, so no request path ever reaches the file system. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/render.js': { file: 'render.js', type: 'text/javascript; charset=utf-8' },
  '/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

/** The page builds its DOM from data only; this policy backs that up should a bug ever let markup through. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/**
 * A shared file's content is someone's upload: the browser may show or save it, never run it or load anything for it.
 * The stand-in's mimetypes (Markdown, CSV, plain text, JSON, PNG, octet-stream) are none a browser executes anyway.
 */
const FILE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** `inline` or `attachment` with the file's name: a plain-ASCII `filename` and the exact one as RFC 5987 `filename*`. */
function contentDisposition(name: string, download: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${download ? 'attachment' : 'inline'}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** The file's mimetype; text said to be UTF-8 when it is, so a browser shows "✓" rather than mojibake. */
function fileContentType(file: FileContent): string {
  return file.mimetype.startsWith('text/') && isUtf8(file.bytes) ? `${file.mimetype}; charset=utf-8` : file.mimetype;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  let parsed: unknown;
  try {
    parsed = raw === '' ? {} : JSON.parse(raw);
  } catch {
    throw new PlatformError(400, 'body must be JSON');
  }
  if (!isObject(parsed)) throw new PlatformError(400, 'body must be a JSON object');
  return parsed;
}

function str(body: Record<string, unknown>, key: string, required = true): string {
  const value = body[key];
  if (typeof value === 'string' && value !== '') return value;
  if (!required && (value === undefined || value === null || value === '')) return '';
  throw new PlatformError(400, `${key} must be a non-empty string`);
}

function int(body: Record<string, unknown>, key: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new PlatformError(400, `${key} must be an integer`);
  return value;
}

/** An element's state from the page: a string, null, or a list of strings (checkboxes, multi-selects). */
function fieldValue(v: unknown, where: string): FieldValue {
  if (typeof v === 'string' || v === null) return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new PlatformError(400, `${where} must be a string, null or a list of strings`);
}

function formFields(value: unknown): FormFields {
  if (value === undefined) return {};
  if (!isObject(value)) throw new PlatformError(400, 'values must be an object');
  const fields: FormFields = {};
  for (const [blockId, actions] of Object.entries(value)) {
    if (!isObject(actions)) throw new PlatformError(400, `values.${blockId} must be an object`);
    const entry: Record<string, FieldValue> = {};
    for (const [actionId, v] of Object.entries(actions)) entry[actionId] = fieldValue(v, `values.${blockId}.${actionId}`);
    fields[blockId] = entry;
  }
  return fields;
}

/** The state a message's other elements were left in, by position. */
function keptState(value: unknown): NonNullable<ButtonRef['state']> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new PlatformError(400, 'state must be a list');
  return value.map((entry, i) => {
    if (!isObject(entry)) throw new PlatformError(400, `state[${i}] must be an object`);
    return { blockIndex: int(entry, 'blockIndex'), elementIndex: int(entry, 'elementIndex'), value: fieldValue(entry.value, `state[${i}].value`) };
  });
}

export function createWebServer(options: WebServerOptions): WebServer {
  const { platform } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const streams = new Set<ServerResponse>();
  let server: Server | undefined;
  let port = 0;
  let heartbeat: NodeJS.Timeout | undefined;

  function broadcast(change: PlatformChange): void {
    const line = `event: change\ndata: ${JSON.stringify(change)}\n\n`;
    for (const res of streams) res.write(line);
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', ...SECURITY_HEADERS });
    // The page reconnects after this many ms if the stream drops (for example while the sandbox restarts).
    res.write('retry: 1000\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  async function serveAsset(res: ServerResponse, asset: { file: string; type: string }): Promise<void> {
    const body = await readFile(join(WEB_DIR, asset.file));
    res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': body.length, ...SECURITY_HEADERS });
    res.end(body);
  }

  /** GET /api/files/<id>?user=<viewer>[&download=1]: the bytes the stand-in received, for someone who can see them. */
  function serveFile(res: ServerResponse, fileId: string, query: URLSearchParams): void {
    const file = platform.fileFor(query.get('user') ?? '', fileId);
    res.writeHead(200, {
      'Content-Type': fileContentType(file),
      'Content-Length': file.bytes.length,
      'Content-Disposition': contentDisposition(file.name, query.get('download') === '1'),
      ...FILE_HEADERS,
    });
    res.end(file.bytes);
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    if (req.method === 'GET') {
      const file = /^\/api\/files\/([A-Za-z0-9]+)$/.exec(path);
      if (file?.[1]) return serveFile(res, file[1], query);
      switch (path) {
        case '/api/workspaces':
          return sendJson(res, 200, platform.workspaces());
        case '/api/workspace':
          return sendJson(res, 200, platform.workspaceInfo(query.get('team') || undefined));
        case '/api/users':
          return sendJson(res, 200, platform.workspaceInfo(query.get('team') || undefined).users);
        case '/api/channels':
          return sendJson(res, 200, platform.workspaceInfo(query.get('team') || undefined).channels);
        case '/api/state': {
          const channel = query.get('channel') ?? undefined;
          const thread = query.get('thread') ?? undefined;
          return sendJson(res, 200, platform.stateFor({ user: query.get('user') ?? '', ...(channel ? { channel } : {}), ...(thread ? { thread } : {}) }));
        }
        default:
          throw new PlatformError(404, `no such endpoint: GET ${path}`);
      }
    }
    if (req.method !== 'POST') throw new PlatformError(405, 'method not allowed');
    const body = await readJson(req);
    const threadTs = str(body, 'threadTs', false);
    switch (path) {
      case '/api/command':
        return sendJson(res, 200, await platform.runCommand(str(body, 'user'), str(body, 'channel'), str(body, 'text'), threadTs ? { threadTs } : {}));
      case '/api/message': {
        const m = platform.postMessage(str(body, 'user'), str(body, 'channel'), str(body, 'text'), threadTs ? { threadTs } : {});
        return sendJson(res, 200, { ok: true, ts: m.ts });
      }
      case '/api/action': {
        const viewId = str(body, 'viewId', false);
        const channel = str(body, 'channel', false);
        const messageTs = str(body, 'messageTs', false);
        if (!viewId && !(channel && messageTs)) throw new PlatformError(400, 'give viewId, or channel and messageTs');
        return sendJson(
          res,
          200,
          await platform.clickButton({
            user: str(body, 'user'), blockIndex: int(body, 'blockIndex'), elementIndex: int(body, 'elementIndex'),
            ...(body.value === undefined ? {} : { value: fieldValue(body.value, 'value') }),
            ...(viewId
              ? { viewId, values: formFields(body.values) }
              : { channel, messageTs, isEphemeral: body.isEphemeral === true, state: keptState(body.state) }),
          }),
        );
      }
      case '/api/shortcut':
        return sendJson(
          res,
          200,
          await platform.useMessageShortcut({
            user: str(body, 'user'), channel: str(body, 'channel'), messageTs: str(body, 'messageTs'), callbackId: str(body, 'callbackId'),
          }),
        );
      case '/api/view/submit':
        return sendJson(res, 200, await platform.submitView(str(body, 'user'), str(body, 'viewId'), formFields(body.values)));
      case '/api/view/close':
        await platform.closeView(str(body, 'user'), str(body, 'viewId'));
        return sendJson(res, 200, { ok: true });
      case '/api/uninstall':
        return sendJson(res, 200, await platform.uninstall(str(body, 'team')));
      case '/api/home/open': {
        const tab = body.tab === 'messages' ? 'messages' : 'home';
        return sendJson(res, 200, await platform.openAppHome(str(body, 'user'), tab));
      }
      default:
        throw new PlatformError(404, `no such endpoint: POST ${path}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const asset = ASSETS[url.pathname];
    if (asset && req.method === 'GET') return serveAsset(res, asset);
    if (url.pathname === '/events' && req.method === 'GET') return openStream(req, res);
    if (url.pathname.startsWith('/api/')) return api(req, res, url.pathname, url.searchParams);
    sendText(res, 404, 'not found');
  }

  const onChange = (change: PlatformChange) => broadcast(change);

  return {
    async start() {
      if (server) return;
      const s = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          if (res.headersSent) {
            res.end();
            return;
          }
          if (err instanceof PlatformError) sendJson(res, err.status, { ok: false, error: err.message });
          else if (err instanceof BadRequest) sendJson(res, 413, { ok: false, error: err.message });
          else {
            console.error('sandbox web: request failed', err);
            sendJson(res, 500, { ok: false, error: err instanceof Error ? err.message : String(err) });
          }
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          s.off('error', reject);
          resolve();
        });
      });
      server = s;
      port = (s.address() as AddressInfo).port;
      platform.events.on('change', onChange);
      heartbeat = setInterval(() => {
        for (const res of streams) res.write(': keep-alive\n\n');
      }, heartbeatMs);
      heartbeat.unref();
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      platform.events.off('change', onChange);
      clearInterval(heartbeat);
      for (const res of streams) res.end();
      streams.clear();
      // Browsers keep connections alive; without this close() would wait for them to time out.
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    get url() {
      if (!port) throw new Error('sandbox web: call start() before reading url');
      const host = options.host ?? '127.0.0.1';
      // A wildcard address is not something to browse to; loopback reaches it.
      const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      return `http://${shown}:${port}`;
    },
    get port() {
      return port;
    },
  };
}
