import { describe, expect, it } from 'vitest';
import { answerPrivately } from '../../../src/slack/answer-privately.ts';
import { createLogger } from '../../../src/logger.ts';

describe('answering privately', () => {
  it('logs a reply that did not arrive once, as a warning, without the response URL the error names', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const url = 'https://hooks.slack.com/actions/T0SANDBOX/1234/s3cr3t';
    // What fetch throws for an address it cannot use: the address, in full, in its message.
    const answer = answerPrivately(logger, { channel: 'C0GENERAL' }, () => Promise.reject(new TypeError(`Failed to parse URL from ${url}`)));
    await expect(answer({ text: 'No session is running in this channel.' })).resolves.toBeUndefined();
    expect(lines.map(({ level, msg, channel, reason }) => ({ level, msg, channel, reason }))).toEqual([
      { level: 'warn', msg: 'could not answer privately', channel: 'C0GENERAL', reason: 'Failed to parse URL from [url]' },
    ]);
    expect(JSON.stringify(lines)).not.toContain('hooks.slack.com');
  });
});
