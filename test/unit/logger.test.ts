/** Logs: one JSON line per event, levels respected, secrets never written. */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { batchedLines, createLogger, scrub, withoutPayload } from '../../src/logger.ts';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, (l) => lines.push(l)) };
}

describe('logger', () => {
  it('writes one JSON object per line with the fields given', () => {
    const { lines, logger } = capture();
    logger.info('posted', { team: 'T1', channel: 'C1', session: 's1', late_ms: undefined });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'info', msg: 'posted', team: 'T1', channel: 'C1', session: 's1' });
    expect(lines[0]).not.toContain('late_ms');
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture('warn');
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['c']);
  });

  it('never writes tokens or secrets, in messages, fields or errors', () => {
    const { lines, logger } = capture('debug');
    logger.info('calling with xoxb-1234-5678-secretpart', { token: 'anything', signing_secret: 'abc', note: 'see xapp-1-A1-22-zzz' });
    logger.error('failed', { channel: 'C1' }, new Error('bad auth for xoxb-9999-8888-leak'));
    const all = lines.join('\n');
    for (const secret of ['secretpart', 'anything', '"abc"', 'zzz', 'leak']) expect(all).not.toContain(secret);
    expect(all).toContain('xoxb-[redacted]');
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ level: 'error', channel: 'C1', error: 'bad auth for xoxb-[redacted]' });
  });

  it('scrubs rotating tokens and refresh tokens too', () => {
    expect(scrub('refresh xoxe-1-My0xLTE2-abc and xoxe.xoxb-1-MS0yLTEy-def')).toBe('refresh xoxe-[redacted] and xoxe.xoxb-[redacted]');
  });

  it('scrubs the client secret, the OAuth code and refresh tokens from JSON and form-encoded text', () => {
    const json = JSON.stringify({ code: '4724469134.4644.232b4e', client_id: '44.55', client_secret: 'c0ffee', refresh_token: 'opaque-refresh', redirect_uri: 'https://x.example/cb' });
    expect(scrub(`http request body: ${json}`)).toBe(
      'http request body: {"code":"[redacted]","client_id":"44.55","client_secret":"[redacted]","refresh_token":"[redacted]","redirect_uri":"https://x.example/cb"}',
    );
    // The same JSON quoted inside another JSON string, as an error's message may carry it.
    expect(scrub(JSON.stringify({ detail: json }))).not.toMatch(/4724469134|c0ffee|opaque-refresh/);
    expect(scrub('client_id=44.55&client_secret=c0ffee&grant_type=refresh_token&refresh_token=opaque-refresh')).toBe(
      'client_id=44.55&client_secret=[redacted]&grant_type=refresh_token&refresh_token=[redacted]',
    );
    expect(scrub('GET /slack/oauth_redirect?code=4724469134.4644.232b4e&state=abc')).toBe('GET /slack/oauth_redirect?code=[redacted]&state=abc');
    // Other keys that merely end in "code" keep their values.
    expect(scrub('{"error_code":"slack_webapi_platform_error"} error_code=invalid_code')).toBe('{"error_code":"slack_webapi_platform_error"} error_code=invalid_code');
  });

  it('scrub leaves ordinary text alone', () => {
    expect(scrub('Design a URL shortener')).toBe('Design a URL shortener');
  });
});

describe('boltLogger', () => {
  it('turns what Bolt and the WebClient log into text only when the line will be written', async () => {
    const { boltLogger } = await import('../../src/logger.ts');
    const { lines, logger } = capture('info');
    const bolt = boltLogger(logger);
    let stringified = 0;
    const payload = {
      toJSON() {
        stringified += 1;
        return { big: 'payload' };
      },
    };
    bolt.debug('request body', payload);
    expect(stringified).toBe(0);
    expect(lines).toEqual([]);
    bolt.warn('slow', payload);
    expect(stringified).toBe(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'warn', msg: 'slow {"big":"payload"}', source: 'bolt' });
  });
});

describe('lines in batches', () => {
  function batches() {
    const chunks: string[] = [];
    const turns: Array<() => void> = [];
    const batched = batchedLines((chunk) => chunks.push(chunk), (flush) => turns.push(flush));
    const endTurn = () => {
      for (const flush of turns.splice(0)) flush();
    };
    return { chunks, batched, endTurn };
  }

  it('writes the lines of one turn as one chunk after it, in order, each ending its line', () => {
    const { chunks, batched, endTurn } = batches();
    batched.write('a');
    batched.write('b');
    expect(chunks).toEqual([]);
    endTurn();
    batched.write('c');
    endTurn();
    endTurn();
    expect(chunks).toEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once what has piled up past 64 KiB, and what is waiting when flushed', () => {
    const { chunks, batched, endTurn } = batches();
    const long = 'x'.repeat(40 * 1024);
    batched.write(long);
    expect(chunks).toEqual([]);
    batched.write(long);
    expect(chunks).toEqual([`${long}\n${long}\n`]);
    batched.write('last');
    batched.flush();
    expect(chunks.at(-1)).toBe('last\n');
    endTurn();
    expect(chunks).toHaveLength(2);
  });

  it('loses no line of a process that exits, or dies of an uncaught error, right after logging it', async () => {
    const logger = new URL('../../src/logger.ts', import.meta.url).href;
    const run = (ending: string) =>
      new Promise<string>((resolve, reject) => {
        const script = `const { createLogger } = await import(${JSON.stringify(logger)}); const log = createLogger('info'); for (let i = 0; i < 3; i++) log.info('line ' + i); ${ending}`;
        execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (_error, stdout) => resolve(stdout));
        setTimeout(() => reject(new Error('the child did not finish')), 30_000).unref();
      });
    for (const ending of ['process.exit(3);', "throw new Error('boom');"]) {
      const stdout = await run(ending);
      expect(stdout.trim().split('\n').map((l) => JSON.parse(l).msg), ending).toEqual(['line 0', 'line 1', 'line 2']);
    }
  }, 60_000);
});

describe('withoutPayload', () => {
  it('keeps a library line up to its payload', () => {
    expect(withoutPayload('http request body: {"text":"a note"}')).toBe('http request body: [payload not logged]');
    expect(withoutPayload('ack() call begins (body: {"text":"my notes"})')).toBe('ack() call begins (body: [payload not logged]');
    expect(withoutPayload('Received a message on the WebSocket: [1,2]')).toBe('Received a message on the WebSocket: [payload not logged]');
    expect(withoutPayload("apiCall('chat.postMessage') start")).toBe("apiCall('chat.postMessage') start");
  });
});
