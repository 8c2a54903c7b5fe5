import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envFileProblem, loadEnvFileIfPresent } from '../../src/env-file.ts';

describe('envFileProblem: what Node would read wrongly or skip without a word', () => {
  it.each([
    ['assignments, comments and blank lines', 'A=1\n\n# a comment\n  B = two words # trailing\nexport C=3\n'],
    ['empty values', 'A=\nB=""\n'],
    ['quoted values, one of them over several lines', 'A="x y"\nB=\'z\'\nC="first\nsecond"\nD=4\n'],
    ['Windows line ends', 'A=1\r\nB=2\r\n'],
    ['nothing at all', ''],
  ])('accepts %s', (_, text) => {
    expect(envFileProblem(text)).toBeUndefined();
  });

  it('refuses a line without = (Node would glue it to the next line and lose that variable), naming the line only', () => {
    expect(parseEnv('noeq\nC=3')).not.toHaveProperty('C');
    const problem = envFileProblem('A=1\nSLACK_BOT_TOKEN xoxb-secret\nC=3\n');
    expect(problem).toMatch(/^line 2 is not NAME=value/);
    expect(problem).not.toContain('xoxb');
  });

  it.each([
    ['a name with a space', 'MY VAR=1'],
    ['a name starting with a digit', '1A=2'],
    ['a name with a dash', 'A-B=2'],
    ['no name', '=x'],
  ])('refuses %s', (_, text) => {
    expect(envFileProblem(text)).toMatch(/^line 1 is not NAME=value/);
  });

  it('says so when the file starts with a byte order mark', () => {
    expect(envFileProblem('\uFEFFA=1\n')).toMatch(/byte order mark/);
  });

  it('refuses a quoted value that is never closed, naming the variable', () => {
    expect(envFileProblem('A=1\nB="open\nC=3\n')).toBe('line 2: the value of B opens with " that is never closed.');
  });
});

describe('loadEnvFileIfPresent', () => {
  it('fills what the environment leaves unset or empty; a value set in the environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockdesign-env-'));
    const names = ['MOCKDESIGN_T_UNSET', 'MOCKDESIGN_T_EMPTY', 'MOCKDESIGN_T_SET', 'MOCKDESIGN_T_ONLY_ENV'] as const;
    try {
      writeFileSync(join(dir, '.env'), 'MOCKDESIGN_T_UNSET=from-file\nMOCKDESIGN_T_EMPTY=from-file\nMOCKDESIGN_T_SET=from-file\n');
      delete process.env.MOCKDESIGN_T_UNSET;
      // `KEY=` passed on by a compose file or a shell: empty counts as unset, so it does not hide the file's value.
      process.env.MOCKDESIGN_T_EMPTY = '';
      process.env.MOCKDESIGN_T_SET = 'from-environment';
      process.env.MOCKDESIGN_T_ONLY_ENV = '';
      expect(loadEnvFileIfPresent(join(dir, '.env'))).toBe(join(dir, '.env'));
      expect(process.env.MOCKDESIGN_T_UNSET).toBe('from-file');
      expect(process.env.MOCKDESIGN_T_EMPTY).toBe('from-file');
      expect(process.env.MOCKDESIGN_T_SET).toBe('from-environment');
      expect(process.env.MOCKDESIGN_T_ONLY_ENV).toBe('');
    } finally {
      for (const name of names) delete process.env[name];
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
