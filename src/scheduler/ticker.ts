/** node-cron wiring only: calls `onTick` on the configured schedule, never two at once. */
import cron, { type ScheduledTask } from 'node-cron';

export function startTicker(expression: string, onTick: () => void | Promise<void>): { stop(): Promise<void> } {
  const task: ScheduledTask = cron.createTask(expression, async () => onTick(), { name: 'mockdesign-tick', noOverlap: true });
  // A heartbeat that wakes late (busy event loop, suspended laptop) skips slots instead of catching up;
  // one extra run is enough because each tick claims everything that is due.
  task.on('execution:missed', () => {
    void task.execute();
  });
  void task.start();
  return {
    async stop() {
      await task.destroy();
    },
  };
}
