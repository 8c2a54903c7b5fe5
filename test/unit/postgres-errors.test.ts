/**
 * How the PostgreSQL adapter tells a statement the server refused (the connection stays usable) from a connection
 * that failed (it is closed, not put back in the pool, and the database counts as not answering). The errors are
 * shaped as pg and Node make them: the server's carry a SQLSTATE and a severity, a socket's a system error code.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isRefusedStatement, isUnavailable } from '../../src/db/postgres-database.ts';

function serverError(code: string, severity: string, message: string): Error {
  return Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code, severity });
}

/** As Node's net module reports a write to a socket the other end has closed. */
function socketError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno: -32, syscall });
}

describe('PostgreSQL errors', () => {
  it('a statement the server refuses leaves the connection usable', () => {
    for (const error of [
      serverError('23505', 'ERROR', 'duplicate key value violates unique constraint'),
      serverError('22012', 'ERROR', 'division by zero'),
      serverError('40001', 'ERROR', 'could not serialize access'),
    ]) {
      expect(isRefusedStatement(error)).toBe(true);
      expect(isUnavailable(error)).toBe(false);
    }
  });

  it('a socket error is a broken connection, whatever its code looks like', () => {
    // EPIPE and EPERM are five capitals, as a SQLSTATE is: they were once read as the server refusing a statement.
    for (const error of [socketError('EPIPE', 'write'), socketError('EPERM', 'connect'), socketError('ECONNRESET', 'read'), socketError('ECONNREFUSED', 'connect')]) {
      expect(isRefusedStatement(error)).toBe(false);
      expect(isUnavailable(error)).toBe(true);
    }
  });

  it('a server error that ends the session, and pg losing the connection or the answer, are broken connections', () => {
    for (const error of [
      serverError('57P01', 'FATAL', 'terminating connection due to administrator command'),
      serverError('53300', 'FATAL', 'sorry, too many clients already'),
      serverError('08006', 'ERROR', 'connection failure'),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
    ]) {
      expect(isRefusedStatement(error)).toBe(false);
      expect(isUnavailable(error)).toBe(true);
    }
  });

  it('an error that is neither is not taken as a refused statement either: its connection is not reused', () => {
    const odd = new Error('something unexpected in the driver');
    expect(isRefusedStatement(odd)).toBe(false);
    expect(isUnavailable(odd)).toBe(false);
    expect(isRefusedStatement('not an error')).toBe(false);
  });
});
