/** node-cron wiring only: calls `onTick` on the configured schedule, never two at once. */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../app/ports.ts';

export function startTicker(expression: string, onTick: () => void | Promise<void>, logger: Logger): { stop(): Promise<void> } {
  // node-cron's `noOverlap` guards only the runs it schedules itself, not `execute()`: this guards both.
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await onTick();
    } finally {
      running = false;
    }
  };
  const task: ScheduledTask = cron.createTask(expression, tick, {
    name: 'mockdesign-tick',
    noOverlap: true,
    // node-cron writes its own lines to the console; ours go through the app's structured log instead. A tick
    // skipped because the one before is still running (a busy instance) or a missed slot is expected under load
    // and changes nothing (the next tick claims everything due), so those are debug lines.
    logger: {
      debug: (message) => logger.debug(`scheduler: ${String(message)}`),
      info: (message) => logger.debug(`scheduler: ${message}`),
      warn: (message) => logger.debug(`scheduler: ${message}`),
      error: (message, error) => logger.error(`scheduler: ${message instanceof Error ? message.message : message}`, {}, error ?? message),
    },
  });
  // A heartbeat that wakes late (busy event loop, suspended laptop) skips slots instead of catching up. node-cron
  // reports each missed slot, all at once: 3,600 of them after an hour's suspend. One extra run is enough, because
  // each tick claims everything that is due, and none while a tick is still under way.
  let catchUp = false;
  task.on('execution:missed', () => {
    if (catchUp) return;
    catchUp = true;
    setImmediate(() => {
      catchUp = false;
      tick().catch((error: unknown) => logger.error('scheduler: a catch-up tick failed', {}, error));
    });
  });
  void task.start();
  return {
    async stop() {
      await task.destroy();
    },
  };
}
