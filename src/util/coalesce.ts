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

export function coalesce(fn: () => void, windowMs: number): Coalesced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  const fire = () => {
    timer = null;
    if (!pending) return;
    pending = false;
    fn();
    timer = setTimeout(fire, windowMs);
  };
  const run = (() => {
    if (timer) {
      pending = true;
      return;
    }
    fn();
    timer = setTimeout(fire, windowMs);
  }) as Coalesced;
  run.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = false;
  };
  return run;
}
