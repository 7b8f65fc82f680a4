import { For, type JSX } from 'solid-js';
import { splitChatLinks } from '../room-state/chat-links';

/** Chat text as text nodes and validated http(s) links; never HTML. */
export function ChatText(props: { text: string }): JSX.Element {
  return (
    <For each={splitChatLinks(props.text)}>
      {(seg) =>
        seg.kind === 'link' ? (
          <a href={seg.href} target="_blank" rel="noopener noreferrer">
            {seg.text}
          </a>
        ) : (
          <>{seg.text}</>
        )
      }
    </For>
  );
}
