/** Tokens at rest: AES-256-GCM sealing, key parsing, and opening rows sealed with a previous key. */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, MAKE_TOKEN_KEY, parseTokenKey, parseTokenKeys, TokenCipherError, TokenKeyError } from '../../src/security/token-cipher.ts';

const TOKEN = 'xoxb-1234-5678-abcdefghijklmnop';
const newKey = () => parseTokenKey(randomBytes(32).toString('base64'));

/** Flips one bit of one base64url field of a sealed value. */
function tamper(sealed: string, field: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[field] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[field] = bytes.toString('base64url');
  return parts.join('.');
}

describe('parseTokenKey', () => {
  it('reads 32 bytes written as base64 or hex, and names the key by a hash prefix', () => {
    const bytes = randomBytes(32);
    const a = parseTokenKey(bytes.toString('base64'));
    const b = parseTokenKey(bytes.toString('hex'));
    const c = parseTokenKey(` ${bytes.toString('base64url')}= `);
    expect(a.id).toMatch(/^[0-9a-f]{8}$/);
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(a.bytes.equals(bytes)).toBe(true);
  });

  it('refuses anything else, saying how to make a key and never repeating the value', () => {
    const bad = ['', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), randomBytes(48).toString('base64'), 'g'.repeat(64), '0'.repeat(64)];
    for (const value of bad) {
      let error: unknown;
      try {
        parseTokenKey(value);
      } catch (e) {
        error = e;
      }
      expect(error, value).toBeInstanceOf(TokenKeyError);
      const message = (error as Error).message;
      expect(message).toContain('SLACK_TOKEN_KEY');
      expect(message).toContain(MAKE_TOKEN_KEY);
      expect(message).toContain("require('crypto').randomBytes(32).toString('base64')");
      if (value.length > 8) expect(message).not.toContain(value);
    }
    expect(() => parseTokenKey('nope', 'SLACK_TOKEN_KEY_PREVIOUS')).toThrow(/^SLACK_TOKEN_KEY_PREVIOUS /);
  });

  it('reads a comma-separated list of previous keys; unset or empty is none', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    expect(parseTokenKeys(undefined)).toEqual([]);
    expect(parseTokenKeys(' ')).toEqual([]);
    expect(parseTokenKeys(`${k1.toString('base64')}, ${k2.toString('hex')},`).map((k) => k.id)).toEqual([parseTokenKey(k1.toString('hex')).id, parseTokenKey(k2.toString('base64')).id]);
    expect(() => parseTokenKeys(`${k1.toString('base64')},bad`)).toThrow(/SLACK_TOKEN_KEY_PREVIOUS \(key 2\)/);
  });

  it('does not show the key bytes when a key is logged or serialised', () => {
    const key = newKey();
    const hex = key.bytes.toString('hex');
    expect(JSON.stringify(key)).toBe(JSON.stringify({ id: key.id }));
    expect(inspect(key, { depth: 5 })).not.toContain(hex);
    expect(inspect(key, { depth: 5 })).not.toContain(key.bytes.toString('base64'));
  });
});

describe('createTokenCipher', () => {
  it('round-trips text, with a self-describing versioned format and a random IV', () => {
    const key = newKey();
    const cipher = createTokenCipher(key);
    const one = cipher.seal(TOKEN);
    const two = cipher.seal(TOKEN);
    expect(one).toMatch(new RegExp(`^v1\\.${key.id}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`));
    expect(one).not.toBe(two);
    expect(one).not.toContain(TOKEN);
    expect(one).not.toContain(Buffer.from(TOKEN).toString('base64url').slice(0, 12));
    expect(cipher.open(one)).toBe(TOKEN);
    expect(cipher.open(two)).toBe(TOKEN);
    for (const text of ['', 'é∑ unicode 🚀', JSON.stringify({ user: { token: 'xoxp-1' } }), 'x'.repeat(100_000)]) {
      expect(cipher.open(cipher.seal(text))).toBe(text);
    }
    expect(cipher.keyId).toBe(key.id);
    expect(cipher.isCurrent(one)).toBe(true);
  });

  it('detects tampering with the IV, the tag or the ciphertext, and a changed key id or version', () => {
    const cipher = createTokenCipher(newKey());
    const sealed = cipher.seal(TOKEN);
    for (const field of [2, 3, 4]) expect(() => cipher.open(tamper(sealed, field))).toThrow(TokenCipherError);
    expect(() => cipher.open(sealed.replace(/^v1\./, 'v2.'))).toThrow(/Not a sealed token/);
    expect(() => cipher.open(sealed.replace(/^v1\.[0-9a-f]{8}/, 'v1.00000000'))).toThrow(/sealed with key 00000000/);
    expect(() => cipher.open(`${sealed}.extra`)).toThrow(TokenCipherError);
    expect(() => cipher.open(TOKEN)).toThrow(/Not a sealed token/);
    const parts = sealed.split('.');
    expect(() => cipher.open([...parts.slice(0, 4), parts[4]?.slice(0, -2)].join('.'))).toThrow(TokenCipherError);
  });

  it('binds a value to its context: sealed for one row or column, it does not open in another', () => {
    const cipher = createTokenCipher(newKey());
    const sealed = cipher.seal(TOKEN, 'T:T1/bot_token');
    expect(cipher.open(sealed, 'T:T1/bot_token')).toBe(TOKEN);
    expect(() => cipher.open(sealed, 'T:T2/bot_token')).toThrow(TokenCipherError);
    expect(() => cipher.open(sealed)).toThrow(TokenCipherError);
    expect(() => cipher.open(cipher.seal(TOKEN), 'T:T1/bot_token')).toThrow(TokenCipherError);
  });

  it('opens values sealed with a previous key and seals new ones with the current key', () => {
    const old = newKey();
    const sealedBefore = createTokenCipher(old).seal(TOKEN);
    const rotated = createTokenCipher(newKey(), [old]);
    expect(rotated.open(sealedBefore)).toBe(TOKEN);
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    const sealedAfter = rotated.seal(TOKEN);
    expect(sealedAfter.split('.')[1]).toBe(rotated.keyId);
    expect(rotated.isCurrent(sealedAfter)).toBe(true);
    // The old key alone cannot open what the new one sealed.
    expect(() => createTokenCipher(old).open(sealedAfter)).toThrow(TokenCipherError);
  });

  it('refuses a value sealed with an unknown key, naming key ids only, never the plaintext or a key', () => {
    const a = newKey();
    const b = newKey();
    const sealed = createTokenCipher(a).seal(TOKEN);
    let error: unknown;
    try {
      createTokenCipher(b).open(sealed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenCipherError);
    const message = String((error as Error).message) + String((error as Error).stack);
    expect(message).toContain(a.id);
    expect(message).toContain('SLACK_TOKEN_KEY_PREVIOUS');
    for (const secret of [TOKEN, a.bytes.toString('base64'), a.bytes.toString('hex'), b.bytes.toString('base64'), b.bytes.toString('hex')]) {
      expect(message).not.toContain(secret);
    }
  });

  it('refuses a wrong key that happens to carry the expected id, without leaking anything', () => {
    const a = newKey();
    const b = newKey();
    const sealed = createTokenCipher(a).seal(TOKEN);
    // Pretend b has a's id: the tag check still fails.
    const forged = createTokenCipher({ id: a.id, bytes: b.bytes });
    expect(() => forged.open(sealed)).toThrow(/did not authenticate/);
    try {
      forged.open(sealed);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(TOKEN);
    }
  });
});
