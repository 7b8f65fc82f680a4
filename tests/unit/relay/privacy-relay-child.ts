/**
 * The relay for privacy.test.ts, in its own process so a heap snapshot holds only what the
 * relay keeps (the test process itself knows the secrets). Options come from the
 * environment exactly as in production; the parent asks for a snapshot over IPC.
 */
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { main } from '../../../relay/main';

const relay = await main(process.env);
process.on('message', (msg: unknown) => {
  if (typeof msg !== 'object' || msg === null) return;
  const m = msg as { type?: string; dir?: string };
  if (m.type === 'snapshot' && typeof m.dir === 'string') {
    const file = writeHeapSnapshot(path.join(m.dir, 'relay.heapsnapshot'));
    process.send?.({ type: 'snapshot', file });
  }
  if (m.type === 'stop') void relay.close().then(() => process.exit(0));
});
