import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { CallEngine, ParticipantView } from '../call/call-engine';
import type { LocalMedia } from '../call/local-media';
import { formatRoomLink, type RoomLink } from '../room/room-link';
import { ParticipantsPanel } from './ParticipantsPanel';
import { SecurityPanel } from './SecurityPanel';
import { Tile } from './Tile';

function phaseLabel(p: ParticipantView): string | null {
  if (p.phase === 'connecting') return 'Connecting…';
  if (p.phase === 'reconnecting') return 'Reconnecting…';
  return null;
}

export function CallView(props: { engine: CallEngine; media: LocalMedia; link: RoomLink; onLeave: () => void }): JSX.Element {
  const engine = props.engine;
  const media = props.media;
  const [people, setPeople] = createStore<ParticipantView[]>([]);
  const [local, setLocal] = createSignal({ micOn: media.micOn, camOn: media.camOn && !!media.videoTrack, stream: media.videoTrack ? media.stream : null, error: media.lastError?.message ?? null });
  const [signaling, setSignaling] = createSignal(engine.signaling);
  const [showPeople, setShowPeople] = createSignal(false);
  const [copied, setCopied] = createSignal(false);
  const [audioBlocked, setAudioBlocked] = createSignal(false);
  const [showSecurity, setShowSecurity] = createSignal(false);
  const [words, setWords] = createSignal<string[]>([]);

  const refresh = () => {
    setPeople(reconcile(engine.participants(), { key: 'peerId' }));
    setWords(engine.safetyWords());
    setSignaling(engine.signaling);
  };
  const refreshLocal = () =>
    setLocal({ micOn: media.micOn, camOn: media.camOn && !!media.videoTrack, stream: media.videoTrack ? media.stream : null, error: media.lastError?.message ?? null });
  const offEngine = engine.on(refresh);
  const offMedia = media.on(refreshLocal);
  refresh();
  onCleanup(() => {
    offEngine();
    offMedia();
  });

  const copyLink = async () => {
    const url = formatRoomLink(location.href, props.link.roomId, props.link.secret);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Clipboard refused (no permission): show the link so it can be copied by hand.
      window.prompt('Copy this link:', url);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

  const unblockAudio = () => {
    for (const v of document.querySelectorAll('video')) void v.play().catch(() => undefined);
    setAudioBlocked(false);
  };

  return (
    <div class="call">
      <Show when={signaling() !== 'online'}>
        <div class="banner warn" role="status">
          {signaling() === 'connecting'
            ? 'Connecting to the meeting server…'
            : 'Connection to the meeting server lost. Your call continues; people can join again once it is back. Reconnecting…'}
        </div>
      </Show>
      <Show when={local().error}>
        <div class="banner error" role="alert">
          {local().error}
        </div>
      </Show>
      <Show when={audioBlocked()}>
        <div class="banner" role="alert">
          <button type="button" class="primary" onClick={unblockAudio}>
            Click to hear the others
          </button>
        </div>
      </Show>
      <div class="stage">
        <section class="grid" aria-label="Participants" data-count={people.length + 1}>
          <Tile peerId={engine.myId} name={engine.displayName} micOn={local().micOn} camOn={local().camOn} stream={local().stream} local status={null} problem={null} />
          <For each={people}>
            {(p) => (
              <Tile peerId={p.peerId} name={p.name} micOn={p.micOn} camOn={p.camOn} stream={p.stream} local={false} status={phaseLabel(p)} problem={p.problem} e2ee={p.e2ee} onAudioBlocked={() => setAudioBlocked(true)} />
            )}
          </For>
          <Show when={people.length === 0}>
            <div class="waiting">
              <p>You're the only one here. Share the link to invite others.</p>
            </div>
          </Show>
        </section>
        <Show when={showSecurity()}>
          <SecurityPanel encrypted={engine.encrypted} epoch={engine.epoch} words={words()} people={people.map((p) => ({ name: p.name, e2ee: p.e2ee }))} onClose={() => setShowSecurity(false)} />
        </Show>
        <Show when={showPeople()}>
          <ParticipantsPanel
            entries={[
              { peerId: engine.myId, name: engine.displayName, micOn: local().micOn, camOn: local().camOn, local: true },
              ...people.map((p) => ({ peerId: p.peerId, name: p.name, micOn: p.micOn, camOn: p.camOn, local: false })),
            ]}
            onClose={() => setShowPeople(false)}
          />
        </Show>
      </div>
      <nav class="controls" aria-label="Call controls">
        <button type="button" classList={{ off: !local().micOn }} onClick={() => void media.setMic(!local().micOn)}>
          {local().micOn ? 'Mute microphone' : 'Unmute microphone'}
        </button>
        <button type="button" classList={{ off: !local().camOn }} onClick={() => void media.setCam(!local().camOn)}>
          {local().camOn ? 'Turn off camera' : 'Turn on camera'}
        </button>
        <button type="button" aria-label="Copy link" onClick={() => void copyLink()}>
          {copied() ? 'Link copied' : 'Copy link'}
        </button>
        <button type="button" aria-label="Participants" aria-expanded={showPeople()} onClick={() => setShowPeople(!showPeople())}>
          People ({people.length + 1})
        </button>
        <button type="button" aria-label="Encryption" aria-expanded={showSecurity()} onClick={() => setShowSecurity(!showSecurity())}>
          {engine.encrypted ? '🔒 Encrypted' : '🔓 Not encrypted'}
        </button>
        <button type="button" class="danger" onClick={() => props.onLeave()}>
          Leave
        </button>
      </nav>
    </div>
  );
}
