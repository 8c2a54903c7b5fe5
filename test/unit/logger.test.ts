/** Logs: one JSON line per event, levels respected, secrets never written. */
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../../src/logger.ts';

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
