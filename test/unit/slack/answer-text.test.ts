import { describe, expect, it } from 'vitest';
import { answerText, jsonWithoutMember } from '../../../src/slack/web-api.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

/** What the scan must agree with: the object parsed, the member deleted. */
function expected(text: string, member: string): unknown {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  delete parsed[member];
  return parsed;
}

function agrees(text: string, member = 'message'): void {
  const cut = jsonWithoutMember(bytes(text), member);
  expect(cut, text).toBeDefined();
  expect(JSON.parse(cut as string), text).toEqual(expected(text, member));
}

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that trip a scanner: quotes, backslashes, brackets, separators, multi-byte UTF-8, controls.
const TRICKY = ['"', '\\', '\\"', '{', '}', '[', ']', ',', ':', 'é', '😀', '\n', '\u0000', '"message":', 'x', ' ', '\\\\'];

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 4 : 6));
  if (pick === 0) return Array.from({ length: Math.floor(next() * 4) }, () => TRICKY[Math.floor(next() * TRICKY.length)]).join('');
  if (pick === 1) return Math.round((next() - 0.5) * 1e6) / 100;
  if (pick === 2) return next() < 0.5;
  if (pick === 3) return null;
  if (pick === 4) return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 4); i > 0; i--) object[next() < 0.2 ? 'message' : `k${Math.floor(next() * 100)}${TRICKY[Math.floor(next() * TRICKY.length)]}`] = value(next, depth + 1);
  return object;
}

describe('a JSON object without one of its members, cut from its bytes', () => {
  it('drops a post’s echoed message wherever it stands, and keeps every other member as it was', () => {
    const echo = { type: 'message', text: 'hi "there" \\ {x}', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'é😀'.repeat(500) } }] };
    agrees(JSON.stringify({ ok: true, channel: 'C1', ts: '2.000200', message: echo }));
    agrees(JSON.stringify({ message: echo, ok: true, ts: '2.000200' }));
    agrees(JSON.stringify({ ok: true, message: echo, response_metadata: { warnings: ['missing_charset'] } }));
    agrees(JSON.stringify({ message: echo }));
    agrees(JSON.stringify({ ok: false, error: 'channel_not_found' }));
    agrees('{}');
    // Whitespace anywhere JSON allows it.
    agrees(JSON.stringify({ ok: true, ts: '1.1', message: echo, n: -1.5e3, empty: [], none: null }, null, 2));
    agrees(' \r\n\t{ "message" : { } , "ok" :true }\n');
    // A member named alike is not the member: nested ones, longer names, escaped names all stay.
    agrees(JSON.stringify({ ok: true, messages: [echo], meta: { message: 'kept' }, 'message\\': 1 }));
    expect(jsonWithoutMember(bytes('{"ok":true,"message":{"a":"}"},"ts":"1.2"}'), 'message')).toBe('{"ok":true,"ts":"1.2"}');
  });

  it('agrees with a parse on a thousand generated objects', () => {
    const next = random(7);
    for (let i = 0; i < 1000; i++) {
      const object = value(next, 0);
      if (typeof object !== 'object' || object === null || Array.isArray(object)) continue;
      agrees(JSON.stringify(object, null, next() < 0.3 ? 1 : undefined));
    }
  });

  it('gives up on anything that is not one whole JSON object, leaving it to a parse', () => {
    for (const text of [
      '',
      '   ',
      '<html>',
      '[{"message":1}]',
      '"message"',
      '{"ok":true',
      '{"ok":true,"message":{"a":1}',
      '{"ok":true,"message":"no end}',
      '{"ok" true}',
      '{ok:true}',
      '{"ok":true,}',
      '{"ok":}',
      '{"ok":true} trailing',
      '{"ok":true}}',
    ]) {
      expect(jsonWithoutMember(bytes(text), 'message'), text).toBeUndefined();
    }
  });

  it('reads a view of a larger buffer from its own start and end', () => {
    const whole = bytes('xx{"ok":true,"message":{"t":"a"},"ts":"1.5"}yy');
    expect(jsonWithoutMember(whole.subarray(2, whole.length - 2), 'message')).toBe('{"ok":true,"ts":"1.5"}');
    expect(jsonWithoutMember(new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.length - 4), 'message')).toBe('{"ok":true,"ts":"1.5"}');
  });
});

describe('an answer’s text', () => {
  const post = JSON.stringify({ ok: true, channel: 'C1', ts: '2.000200', message: { text: 'hi', blocks: [] } });

  it('leaves out the echo of a post or an update that succeeded, when asked to', () => {
    expect(JSON.parse(answerText('chat.postMessage', 200, bytes(post), true))).toEqual({ ok: true, channel: 'C1', ts: '2.000200' });
    expect(JSON.parse(answerText('chat.update', 200, bytes(post), true))).toEqual({ ok: true, channel: 'C1', ts: '2.000200' });
  });

  it('is the whole answer otherwise: not asked, another method, another status, or not JSON', () => {
    expect(answerText('chat.postMessage', 200, bytes(post), false)).toBe(post);
    expect(answerText('conversations.history', 200, bytes(post), true)).toBe(post);
    expect(answerText('chat.postMessage', 500, bytes(post), true)).toBe(post);
    expect(answerText('chat.postMessage', 200, bytes('<html>é</html>'), true)).toBe('<html>é</html>');
  });
});
