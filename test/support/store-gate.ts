/**
 * The real store with one point in time to act at: right after the dispatcher has read the sessions it claimed,
 * before it does anything with them. What a person does there (`/mockdesign end`, say) lands while the dispatcher
 * holds a claim, in the same order every run, without timing anything.
 */
import type { Store } from '../../src/app/ports.ts';

export interface GatedStore {
  readonly store: Store;
  /** Runs `act` once, after the next read of claimed sessions and before the dispatcher goes on. */
  afterNextRead(act: () => Promise<void>): void;
}

export function gateStore(real: Store): GatedStore {
  let pending: (() => Promise<void>) | undefined;
  const sessions = new Proxy(real.sessions, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== 'findMany' || typeof value !== 'function') return value;
      return async (ids: string[]) => {
        const read = await (value as Store['sessions']['findMany']).call(target, ids);
        const act = pending;
        pending = undefined;
        await act?.();
        return read;
      };
    },
  });
  const store: Store = new Proxy(real, { get: (target, key, receiver) => (key === 'sessions' ? sessions : Reflect.get(target, key, receiver)) });
  return {
    store,
    afterNextRead(act) {
      pending = act;
    },
  };
}
