import { createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import type { ConnectionStats } from '../../stats/connection-stats';
import { diagnosticsText, statsRows, type E2eeState } from '../../stats/diagnostics-text';
import './essentials.css';

export interface ConnectionDetailsProps {
  /** Latest figures for this peer (from `pollConnectionStats`); undefined until the first sample. */
  stats: ConnectionStats | undefined;
  e2ee?: E2eeState;
  /** What "Copy diagnostics" copies; defaults to this peer's figures. Pass one for all peers if wanted. */
  diagnostics?: () => string;
}

const DOT: Record<string, string> = { good: '●', fair: '●', poor: '●' };

/**
 * A coloured dot for a tile: the button (accessible name "Connection details") opens a panel with
 * the figures, each colour-coded by the thresholds in `connection-stats.ts`, and a "Copy diagnostics"
 * button that copies figures only (no names or ids).
 */
export function ConnectionDetails(props: ConnectionDetailsProps): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [copied, setCopied] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  let resetTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(resetTimer));

  const level = () => props.stats?.quality ?? 'good';
  const text = () => (props.diagnostics ? props.diagnostics() : diagnosticsText(props.stats ? [props.stats] : [], { at: new Date().toISOString(), e2ee: [props.e2ee] }));

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      setCopied('copied');
    } catch {
      // Clipboard needs focus and permission; the panel still shows every figure to copy by hand.
      setCopied('failed');
    }
    clearTimeout(resetTimer);
    resetTimer = setTimeout(() => setCopied('idle'), 2000);
  };

  return (
    <span class="conn-details" data-testid="connection-details">
      <button
        type="button"
        class="conn-dot"
        aria-label="Connection details"
        aria-expanded={open()}
        title={`Connection: ${level()}`}
        data-level={level()}
        onClick={() => setOpen(!open())}
      >
        {DOT[level()]}
      </button>
      <Show when={open()}>
        <div class="conn-panel" role="dialog" aria-label="Connection details">
          <Show when={props.stats} fallback={<p>Measuring…</p>}>
            {(s) => (
              <table>
                <tbody>
                  <For each={statsRows(s(), props.e2ee)}>
                    {(row) => (
                      <tr>
                        <td>{row.label}</td>
                        <td class="value" data-level={row.level} data-label={row.label}>
                          {row.value}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            )}
          </Show>
          <button type="button" onClick={() => void copy()}>
            Copy diagnostics
          </button>
          <span role="status">{copied() === 'copied' ? 'Copied' : copied() === 'failed' ? 'Could not copy' : ''}</span>
        </div>
      </Show>
    </span>
  );
}
