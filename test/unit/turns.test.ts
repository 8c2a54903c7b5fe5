/** Background results go on one per turn of the event loop, in order, with the loop's other work in between. */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createTurns } from '../../src/db/turns.ts';

describe('turns', () => {
  it('runs what it is handed in order, one per turn: the loop polls between two', async () => {
    const turns = createTurns();
    const order: string[] = [];
    const { port1: port, port2: other } = new MessageChannel();
    other.on('message', () => order.push('polled'));
    await new Promise<void>((done) => {
      turns.later(() => {
        order.push('first');
        // A message from another thread or a socket's data is read when the loop polls, which it does between two.
        port.postMessage('ping');
      });
      turns.later(() => order.push('second'));
      turns.later(() => {
        order.push('third');
        done();
      });
    });
    other.close();
    expect(order).toEqual(['first', 'polled', 'second', 'third']);
  });

  it('starts again after running dry', async () => {
    const turns = createTurns();
    const seen: number[] = [];
    await new Promise<void>((done) => turns.later(() => done()));
    await new Promise<void>((done) => {
      turns.later(() => seen.push(1));
      turns.later(() => {
        seen.push(2);
        done();
      });
    });
    expect(seen).toEqual([1, 2]);
  });

  it('says when the last of what it was handed has run, and is busy until then', async () => {
    const events: string[] = [];
    const turns = createTurns(() => events.push(`idle (busy: ${String(turns.busy)})`));
    expect(turns.busy).toBe(false);
    await new Promise<void>((done) => {
      turns.later(() => events.push('first'));
      turns.later(() => {
        events.push('second');
        setImmediate(done);
      });
      expect(turns.busy).toBe(true);
    });
    expect(events).toEqual(['first', 'second', 'idle (busy: false)']);
  });
});
