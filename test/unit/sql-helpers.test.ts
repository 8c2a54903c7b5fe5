/**
 * SQL helpers: reading a row's columns with their types checked (the rows of both databases, and a clear error for
 * anything else), and IN lists padded to a few lengths.
 */
import { describe, expect, it } from 'vitest';
import { columnsOf, padInList } from '../../src/db/sql.ts';

describe('columnsOf', () => {
  it('reads integers as SQLite gives them (numbers) and as PostgreSQL gives BIGINT (strings)', () => {
    const r = columnsOf({ a: 42, b: '1733150000000', c: null }, 'steps');
    expect(r.int('a')).toBe(42);
    expect(r.int('b')).toBe(1_733_150_000_000);
    expect(r.intOrNull('c')).toBeNull();
    expect(r.intOrNull('a')).toBe(42);
  });

  it('reads text, and null where the column allows it', () => {
    const r = columnsOf({ s: 'C0123', n: null }, 'sessions');
    expect(r.text('s')).toBe('C0123');
    expect(r.textOrNull('n')).toBeNull();
    expect(r.textOrNull('s')).toBe('C0123');
  });

  it('refuses a value of the wrong type, naming the table, the column and the value', () => {
    const r = columnsOf({ half: 1.5, word: 'soon', num: 7, missing: undefined, gone: null }, 'steps');
    expect(() => r.int('half')).toThrow('steps.half: unexpected 1.5');
    expect(() => r.int('word')).toThrow('steps.word: unexpected "soon"');
    expect(() => r.text('num')).toThrow('steps.num: unexpected 7');
    expect(() => r.text('missing')).toThrow(TypeError);
    expect(() => r.int('gone')).toThrow('steps.gone: unexpected null');
    expect(() => r.bad('word')).toThrow('steps.word: unexpected "soon"');
  });
});

describe('padInList', () => {
  it('pads to the next power of two by repeating the last value, keeping the order', () => {
    expect(padInList([])).toEqual([]);
    expect(padInList(['a'])).toEqual(['a']);
    expect(padInList(['a', 'b'])).toEqual(['a', 'b']);
    expect(padInList(['a', 'b', 'c'])).toEqual(['a', 'b', 'c', 'c']);
    expect(padInList([1, 2, 3, 4, 5])).toEqual([1, 2, 3, 4, 5, 5, 5, 5]);
  });

  it('gives the 1 to 200 sessions a claim loads nine lengths of list, not two hundred', () => {
    const lengths = new Set(Array.from({ length: 200 }, (_, i) => padInList(Array.from({ length: i + 1 }, (_, k) => `s${k}`)).length));
    expect([...lengths].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
  });
});
