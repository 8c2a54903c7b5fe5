/** .env.example, which self-hosters copy to .env: what it says of a variable matches what the app does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY } from '../../src/app/dispatcher.ts';
import { loadConfig } from '../../src/config.ts';
import { PROJECT_ROOT } from '../support/app-process.ts';

const example = readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8');
const base = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefgh', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef' };

/** The comment lines just above `# NAME=…`, and the value that line shows. */
function entry(name: string): { comment: string; value: string } {
  const match = new RegExp(`((?:^#(?! ${name}=).*\\n)+)^# ${name}=(.*)$`, 'm').exec(example);
  if (!match) throw new Error(`.env.example has no "# ${name}=" line`);
  return { comment: match[1] ?? '', value: match[2] ?? '' };
}

describe('.env.example', () => {
  // It said "Default 100", with 300 as the example, while the app and the README use 600.
  it('gives POST_CONCURRENCY the default the app uses, and an example the app accepts', () => {
    const { comment, value } = entry('POST_CONCURRENCY');
    expect(comment).toContain(`Default ${DEFAULT_CONCURRENCY}.`);
    expect(loadConfig({ ...base, POST_CONCURRENCY: value }).postConcurrency).toBe(Number(value));
    expect(loadConfig(base).postConcurrency).toBe(DEFAULT_CONCURRENCY);
  });

  it('shows a PUBLIC_URL the app accepts', () => {
    const { value } = entry('PUBLIC_URL');
    expect(loadConfig({ ...base, PUBLIC_URL: value }).publicUrl).toBe(value);
  });
});
