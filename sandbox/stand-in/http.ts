/** HTTP plumbing for the stand-in: read bodies, parse Slack-style parameters, write answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, unknown>;

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Fields the Web API client sends as JSON strings inside form bodies. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view'];

export class BadRequest extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

/** The raw bytes of a request body (file uploads), up to the same limit. */
export function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BadRequest('request_too_large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Merges query string and body into one parameter object, as Slack does. JSON-valued fields that fail to
 * parse stay strings so each method can refuse them with its own error.
 */
export function parseParams(contentType: string | undefined, rawBody: string, query: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of query) params[key] = value;
  if (rawBody.length > 0) {
    if (mediaType(contentType) === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        throw new BadRequest('invalid_json');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequest('invalid_json');
      Object.assign(params, parsed);
    } else {
      for (const [key, value] of new URLSearchParams(rawBody)) params[key] = value;
    }
  }
  for (const field of JSON_FIELDS) {
    const value = params[field];
    if (typeof value !== 'string') continue;
    try {
      params[field] = JSON.parse(value);
    } catch {
      // left as a string on purpose; the method answers invalid_blocks_format / invalid_arguments
    }
  }
  return params;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** String-valued parameter; JSON bodies may carry numbers where forms carry strings. */
export function param(p: Params, key: string): string | undefined {
  const value = p[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function flag(p: Params, key: string): boolean {
  const value = p[key];
  return value === true || value === 1 || value === 'true' || value === '1';
}
