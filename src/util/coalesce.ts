/**
 * Runs `fn` at once, then at most once per `windowMs` while calls keep coming, always with a
 * final run after the last call. The call engine reports every membership, trust and
 * negotiation step as a change; re-rendering the call on each of them cost a joining page
 * ≈150 ms of main thread in its first second (profiled in bench/join), time the
 * connection needed.
 */
export interface Coalesced {
  (): void;
  cancel(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
  clear(timer: ReturnType<typeof setTimeout>): void;
}

// Wrapped: browsers refuse `setTimeout` called as a method of another object (Illegal invocation).
const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (t) => clearTimeout(t) };

export function coalesce(fn: () => void, windowMs: number, timers: Timers = realTimers): Coalesced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  const fire = () => {
    timer = null;
    if (!pending) return;
    pending = false;
    fn();
    timer = timers.set(fire, windowMs);
  };
  const run = (() => {
    if (timer) {
      pending = true;
      return;
    }
    fn();
    timer = timers.set(fire, windowMs);
  }) as Coalesced;
  run.cancel = () => {
    if (timer) timers.clear(timer);
    timer = null;
    pending = false;
  };
  return run;
}
