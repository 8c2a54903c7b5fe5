/** manifest.yml's slash command: the usage hint Slack shows while people type names what the command takes. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Command, parseCommand } from '../../src/domain/command.ts';
import { readManifest } from '../../sandbox/web/manifest.ts';
import { PROJECT_ROOT } from '../support/app-process.ts';

/**
 * Every subcommand a person types, by the kind it parses to. Keyed by the kind, so a new kind of command does not
 * compile here until it is given its word (and so its place in the hint).
 */
const VERBS: Record<Exclude<Command['kind'], 'start_form' | 'invalid'>, string> = {
  start: 'start',
  status: 'status',
  notes: 'notes',
  history: 'history',
  next: 'next',
  end: 'end',
  pause: 'pause',
  resume: 'resume',
  schedule: 'schedule',
  schedules: 'schedules',
  unschedule: 'unschedule',
  host: 'host',
  extend: 'extend',
  note: 'note',
  export: 'export',
  help: 'help',
};

/** Slack's manifest schema allows a usage hint of up to 1,000 characters; Slack's box shows far fewer well. */
const USAGE_HINT_LIMIT = 1000;

function usageHint(): string {
  const command = readManifest(join(PROJECT_ROOT, 'manifest.yml'))?.commands.find((c) => c.command === '/mockdesign');
  if (!command) throw new Error('manifest.yml declares no /mockdesign command');
  return command.usageHint;
}

describe('the /mockdesign usage hint', () => {
  // It left out schedules, unschedule and host.
  it('names every subcommand', () => {
    const words = new Set(usageHint().split('|').map((part) => part.trim().split(/\s+/)[0]));
    expect(Object.values(VERBS).filter((verb) => !words.has(verb))).toEqual([]);
  });

  it('names only subcommands the app knows', () => {
    for (const part of usageHint().split(' | ')) {
      const verb = part.trim().split(/\s+/)[0] ?? '';
      expect(parseCommand(verb), verb).not.toMatchObject({ kind: 'help', unknown: expect.any(String) });
    }
  });

  it(`stays within Slack's ${USAGE_HINT_LIMIT} characters`, () => {
    expect(usageHint().length).toBeLessThanOrEqual(USAGE_HINT_LIMIT);
  });
});
