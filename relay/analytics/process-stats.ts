import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';

export interface ProcessFigures {
  threads: number;
  event_loop_lag_ms: number;
  event_loop_lag_p99_ms: number;
  event_loop_lag_max_ms: number;
  memory_rss_bytes: number;
  memory_heap_used_bytes: number;
  memory_heap_total_bytes: number;
  memory_external_bytes: number;
}

/**
 * Process health. Event-loop lag comes from Node's sampling histogram and is reset on each
 * read, so every scrape reports the lag since the previous one.
 */
export class ProcessStats {
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.lag.enable();
  }

  figures(): ProcessFigures {
    const mem = process.memoryUsage();
    const ms = (ns: number): number => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);
    const out: ProcessFigures = {
      threads: threadCount(),
      event_loop_lag_ms: ms(this.lag.mean),
      event_loop_lag_p99_ms: ms(this.lag.percentile(99)),
      event_loop_lag_max_ms: ms(this.lag.max),
      memory_rss_bytes: mem.rss,
      memory_heap_used_bytes: mem.heapUsed,
      memory_heap_total_bytes: mem.heapTotal,
      memory_external_bytes: mem.external,
    };
    this.lag.reset();
    return out;
  }

  dispose(): void {
    this.lag.disable();
  }
}

/** OS threads of this process (Linux); elsewhere the main thread plus libuv's pool. */
function threadCount(): number {
  try {
    const m = /^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1]) return Number(m[1]);
  } catch {
    // Not Linux.
  }
  return 1 + Number(process.env.UV_THREADPOOL_SIZE ?? 4);
}
