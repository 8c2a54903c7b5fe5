/** A Bolt receiver that hands parsed payloads straight to the real router, and gives back what was acked. */
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';

export class TestReceiver implements Receiver {
  #app: App | undefined;

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Sends a body through `app.processEvent`; resolves with the ack's argument once every listener is done. */
  async send(body: Record<string, unknown>, extra: Partial<ReceiverEvent> = {}): Promise<{ acked: boolean; response: unknown }> {
    if (!this.#app) throw new Error('TestReceiver used before App was constructed');
    const result = { acked: false, response: undefined as unknown };
    await this.#app.processEvent({
      body,
      ack: async (response?: unknown) => {
        result.acked = true;
        result.response = response;
      },
      ...extra,
    });
    return result;
  }
}
