import { For, Show, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { CallEngine, ParticipantView } from '../call/call-engine';
import type { LocalMedia } from '../call/local-media';
import { coalesce } from '../util/coalesce';
import { formatRoomLink, type RoomLink } from '../room/room-link';
import { REACTION_EMOJI } from '../room-state/room-reactions';
import { readPasscodeCheck } from '../room-state/room-links';
import { ChatPanel } from './ChatPanel';
import type { LobbyDeskActions, LobbyRequest } from './create-lobby-desk';
import type { ModerationActions, ModerationView } from './create-moderation';
import type { RoomStateActions, RoomStateView } from './create-room-state';
import { ParticipantsPanel } from './ParticipantsPanel';
import { PollsPanel } from './PollsPanel';
import { SecurityPanel } from './SecurityPanel';
import { Tile } from './Tile';
import { TilePager } from './TilePager';
import { DEFAULT_TILES_PER_PAGE, tilePage } from './tile-pages';
import { VideoView } from './VideoView';
import { createScreenShareState, PresentingBanner, ScreenShareButton } from './essentials/ScreenShareButton';
import { ScreenTile } from './essentials/ScreenTile';
import { createScreenStage, screenKey } from './essentials/screen-stage';
import { SettingsDialog } from './essentials/SettingsDialog';
import { CallShortcuts } from './essentials/CallShortcuts';
import type { CallRecording } from './essentials/create-call-recording';
import { createPeerConnections } from './essentials/create-peer-connections';
import { domStage } from './essentials/dom-stage';
import { RecordingButton } from './essentials/RecordingButton';
import { RecordingIndicator } from './essentials/RecordingIndicator';

function phaseLabel(p: ParticipantView): string | null {
  if (p.phase === 'connecting') return 'Connecting…';
  if (p.phase === 'reconnecting') return 'Reconnecting…';
  return null;
}

type Panel = 'none' | 'people' | 'security' | 'chat' | 'polls';

/** How often the call view re-reads the engine while changes keep coming (see util/coalesce). */
const UI_REFRESH_MS = 50;

export function CallView(props: { engine: CallEngine; media: LocalMedia; link: RoomLink; room: [RoomStateView, RoomStateActions]; moderation: [ModerationView, ModerationActions]; lobby?: [{ waiting: LobbyRequest[] }, LobbyDeskActions]; lobbyHash?: string; recording?: CallRecording; onLeave: () => void }): JSX.Element {
  const [room, act] = props.room;
  const [mod, modAct] = props.moderation;
  const engine = props.engine;
  const media = props.media;
  const [people, setPeople] = createStore<ParticipantView[]>([]);
  const [local, setLocal] = createSignal({ micOn: media.micOn, camOn: media.camOn && !!media.videoTrack, stream: media.videoTrack ? media.stream : null, error: media.lastError?.message ?? null });
  const [signaling, setSignaling] = createSignal(engine.signaling);
  const [mode, setMode] = createSignal(engine.mode);
  const [panel, setPanel] = createSignal<Panel>('none');
  const showPeople = () => panel() === 'people';
  const showSecurity = () => panel() === 'security';
  const toggle = (p: Panel) => setPanel(panel() === p ? 'none' : p);
  const [ownLayout, setLayout] = createSignal<'tile' | 'stage'>('tile');
  const [ownPinned, setPinned] = createSignal<string | null>(null);
  // "Follow my layout": while a moderator asks, everyone else shows that moderator's layout.
  const followed = () => {
    const f = mod.settings.followLayout;
    return f && f.by !== engine.myId ? f : null;
  };
  const layout = () => followed()?.layout ?? ownLayout();
  const pinned = () => {
    const f = followed();
    return f ? f.pinned : ownPinned();
  };
  const leadingLayout = () => mod.settings.followLayout?.by === engine.myId;
  const toggleFollowMe = () => modAct.followMe(leadingLayout() ? null : { layout: ownLayout(), pinned: ownPinned() });
  // While we lead, our changes go out to everyone.
  createEffect(
    on([ownLayout, ownPinned], ([l, p]) => {
      if (leadingLayout() && (mod.settings.followLayout?.layout !== l || mod.settings.followLayout?.pinned !== p)) modAct.followMe({ layout: l, pinned: p });
    }, { defer: true }),
  );
  const [volumes, setVolumes] = createStore<Record<string, number>>({});
  const [copied, setCopied] = createSignal(false);
  const [audioBlocked, setAudioBlocked] = createSignal(false);
  const [words, setWords] = createSignal<string[]>([]);

  const refresh = () => {
    setPeople(reconcile(engine.participants(), { key: 'peerId' }));
    setWords(engine.safetyWords());
    setSignaling(engine.signaling);
    setMode(engine.mode);
  };
  const refreshLocal = () =>
    setLocal({ micOn: media.micOn, camOn: media.camOn && !!media.videoTrack, stream: media.videoTrack ? media.stream : null, error: media.lastError?.message ?? null });
  const refreshSoon = coalesce(refresh, UI_REFRESH_MS);
  const offEngine = engine.on(refreshSoon);
  const offMedia = media.on(refreshLocal);
  refresh();
  const pcOf = createPeerConnections(engine);
  // Screen shares and settings (devices, quality, noise suppression).
  const screenShare = createScreenShareState(media.screen);
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const [sinkId, setSinkId] = createSignal(media.chosenDevices.audioOutputId ?? '');
  onCleanup(media.on(() => setSinkId(media.chosenDevices.audioOutputId ?? '')));
  const presenting = () => people.filter((p) => p.screenOn);
  const presenterIds = createMemo(() => presenting().map((p) => p.peerId), [], { equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]) });
  // A share that starts takes the stage.
  const stageScreen = createScreenStage(presenterIds, () => {
    setPinned(null);
    setLayout('stage');
  });
  let grid: HTMLElement | undefined;
  onCleanup(() => {
    offEngine();
    refreshSoon.cancel();
    offMedia();
  });

  const [myName, setMyName] = createSignal(engine.displayName);
  const rename = (name: string) => {
    act.rename(name);
    setMyName(engine.displayName);
  };
  const handPlace = (peerId: string): number | null => {
    const i = room.hands.findIndex((h) => h.peerId === peerId);
    return i < 0 ? null : i + 1;
  };
  const myHandUp = () => handPlace(engine.myId) !== null;
  const nameOf = (peerId: string) => (peerId === engine.myId ? myName() : (people.find((p) => p.peerId === peerId)?.name ?? room.presence[peerId]?.name ?? 'Someone'));
  // Stage view: the pinned person, else whoever speaks (follow the speaker), else the first other.
  const onStage = createMemo(() => {
    if (layout() !== 'stage') return null;
    const pin = pinned();
    if (pin && (pin === engine.myId || people.some((p) => p.peerId === pin || (p.screenOn && screenKey(p.peerId) === pin)))) return pin;
    const screen = stageScreen();
    if (screen) return screen;
    return room.speaker ?? people[0]?.peerId ?? engine.myId;
  });
  // Paginated tiles (tile-pages.ts): one page of the grid is rendered; the stage is always shown.
  const [wantedPage, setWantedPage] = createSignal(0);
  const tiles = createMemo(() =>
    tilePage({
      me: engine.myId,
      others: people.map((p) => p.peerId),
      featured: [pinned(), onStage(), room.speaker],
      turns: Object.fromEntries(Object.entries(room.presence).map(([id, p]) => [id, p.turn])),
      pageSize: props.link.params.tiles ?? DEFAULT_TILES_PER_PAGE,
      page: wantedPage(),
    }),
  );
  const shown = createMemo(() => {
    const ids = new Set(tiles().ids);
    const stage = onStage();
    if (stage) ids.add(stage);
    return ids;
  });
  const byId = createMemo(() => new Map(people.map((p) => [p.peerId, p])));
  const shownPeople = createMemo(() => [...shown()].map((id) => byId().get(id)).filter((p): p is ParticipantView => p !== undefined));
  // People on other pages are still heard: their audio plays from a hidden element.
  const offPage = createMemo(() => people.filter((p) => !shown().has(p.peerId)));
  const pin = (peerId: string) => {
    setPinned(ownPinned() === peerId ? null : peerId);
    if (ownPinned()) setLayout('stage');
  };

  const copyLink = async () => {
    // The guest link: never the host key; a passcode room's check goes along (not the passcode).
    const pc = readPasscodeCheck(location.hash.split('?')[1] ?? '');
    const url = formatRoomLink(location.href, props.link.roomId, props.link.secret) + (pc ? `?pc=${pc}` : '');
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Clipboard refused (no permission): show the link so it can be copied by hand.
      window.prompt('Copy this link:', url);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

  const [lobbyCopied, setLobbyCopied] = createSignal(false);
  const copyLobbyLink = async () => {
    if (!props.lobbyHash) return;
    const url = `${location.href.split('#')[0] ?? ''}${props.lobbyHash}`;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      window.prompt('Copy this link:', url);
    }
    setLobbyCopied(true);
    setTimeout(() => setLobbyCopied(false), 2000);
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
      <RecordingIndicator presence={room.presence} listed={(peerId) => people.some((p) => p.peerId === peerId)} self={props.recording?.[0].status === 'recording'} nameOf={nameOf} />
      <PresentingBanner active={screenShare.active()} error={screenShare.error()} />
      <Show when={local().error}>
        <div class="banner error" role="alert">
          {local().error}
        </div>
      </Show>
      <Show when={room.error}>
        <div class="banner error" role="alert" data-testid="room-error">
          {room.error}
        </div>
      </Show>
      <Show when={props.lobby && props.lobby[0].waiting.length > 0 && props.lobby}>
        {(lobby) => (
          <aside class="banner lobby" aria-label="Lobby requests">
            <For each={lobby()[0].waiting}>
              {(w) => (
                <div class="row lobby-request" data-testid="lobby-request">
                  <span>{w.name} wants to join</span>
                  <button type="button" class="primary small" onClick={() => lobby()[1].admit(w.knockId)}>
                    Admit
                  </button>
                  <button type="button" class="small" onClick={() => lobby()[1].deny(w.knockId)}>
                    Deny
                  </button>
                </div>
              )}
            </For>
          </aside>
        )}
      </Show>
      <Show when={followed()}>
        {(f) => (
          <div class="banner" role="status">
            Following {nameOf(f().by)}'s layout.
          </div>
        )}
      </Show>
      <Show when={mod.notice}>
        <div class="banner warn" role="status">
          {mod.notice}
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
        <section ref={grid} class="grid" classList={{ 'stage-view': layout() === 'stage' }} aria-label="Participants" data-count={shown().size + presenting().length} data-layout={layout()}>
          <Show when={shown().has(engine.myId)}>
            <div class="tile-slot" classList={{ 'on-stage': onStage() === engine.myId }}>
              <Tile peerId={engine.myId} name={myName()} micOn={local().micOn} camOn={local().camOn} stream={local().stream} local status={null} problem={null} hand={handPlace(engine.myId)} speaking={room.speaker === engine.myId} pinned={pinned() === engine.myId} onPin={() => pin(engine.myId)} />
            </div>
          </Show>
          <For each={shownPeople()}>
            {(p) => (
              <div class="tile-slot" classList={{ 'on-stage': onStage() === p.peerId }}>
                <Tile peerId={p.peerId} name={p.name} micOn={p.micOn} camOn={p.camOn} stream={p.stream} local={false} status={phaseLabel(p)} problem={p.problem} e2ee={p.e2ee} onAudioBlocked={() => setAudioBlocked(true)} hand={handPlace(p.peerId)} speaking={room.speaker === p.peerId} pinned={pinned() === p.peerId} onPin={() => pin(p.peerId)} volume={volumes[p.peerId] ?? 1} pc={pcOf(p.peerId)} sinkId={sinkId()} via={p.via ? nameOf(p.via) : null} />
              </div>
            )}
          </For>
          <For each={presenting()}>
            {(p) => (
              <div class="tile-slot" classList={{ 'on-stage': onStage() === screenKey(p.peerId) }}>
                <ScreenTile peerId={p.peerId} name={p.name} stream={p.screenStream ?? new MediaStream()} sinkId={sinkId()} volume={volumes[p.peerId] ?? 1} onAudioBlocked={() => setAudioBlocked(true)} pinned={pinned() === screenKey(p.peerId)} onPin={() => pin(screenKey(p.peerId))} />
              </div>
            )}
          </For>
          <Show when={people.length === 0}>
            <div class="waiting">
              <p>You're the only one here. Share the link to invite others.</p>
            </div>
          </Show>
        </section>
        <div class="off-page-audio" hidden>
          <For each={offPage()}>{(p) => <VideoView audioOnly stream={p.stream} muted={false} label={`Audio of ${p.name}`} volume={volumes[p.peerId] ?? 1} sinkId={sinkId()} onBlocked={() => setAudioBlocked(true)} />}</For>
        </div>
        <Show when={showSecurity()}>
          <SecurityPanel encrypted={engine.encrypted} epoch={engine.epoch} words={words()} people={people.map((p) => ({ name: p.name, e2ee: p.e2ee }))} onClose={() => setPanel('none')} />
        </Show>
        <Show when={showPeople()}>
          <ParticipantsPanel
            entries={[
              { peerId: engine.myId, name: myName(), micOn: local().micOn, camOn: local().camOn, local: true, hand: handPlace(engine.myId) },
              ...people.map((p) => ({ peerId: p.peerId, name: p.name, micOn: p.micOn, camOn: p.camOn, local: false, hand: handPlace(p.peerId) })),
            ]}
            myName={myName()}
            onRename={rename}
            volumeOf={(id) => volumes[id] ?? 1}
            onVolume={(id, v) => setVolumes(id, v)}
            {...(mod.canModerate ? { onMute: (id: string) => modAct.mute(id), onRemove: (id: string) => modAct.remove(id) } : {})}
            onClose={() => setPanel('none')}
          />
        </Show>
        <Show when={panel() === 'chat'}>
          <ChatPanel state={room} actions={act} myId={engine.myId} people={people.map((p) => ({ peerId: p.peerId, name: p.name }))} onClose={() => setPanel('none')} />
        </Show>
        <Show when={panel() === 'polls'}>
          <PollsPanel state={room} actions={act} onClose={() => setPanel('none')} />
        </Show>
        <div class="reactions" aria-live="polite" aria-label="Reactions">
          <For each={room.reactions}>
            {(r) => (
              <span class="reaction" role="img" aria-label={`${r.emoji} from ${nameOf(r.from)}`}>
                {r.emoji}
              </span>
            )}
          </For>
        </div>
      </div>
      <Show when={tiles().pages > 1}>
        <TilePager page={tiles().page} pages={tiles().pages} onPage={setWantedPage} />
      </Show>
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
        <button type="button" aria-label="Participants" aria-expanded={showPeople()} onClick={() => toggle('people')}>
          People ({people.length + 1})
        </button>
        <button type="button" aria-label="Chat" aria-expanded={panel() === 'chat'} onClick={() => toggle('chat')}>
          Chat
          <Show when={room.unread + room.dmUnread > 0 && panel() !== 'chat'}>
            <span class="unread" data-testid="unread-badge">
              {room.unread + room.dmUnread}
            </span>
          </Show>
        </button>
        <button type="button" aria-pressed={myHandUp()} onClick={() => act.setHand(!myHandUp())}>
          {myHandUp() ? 'Lower hand' : 'Raise hand'}
        </button>
        <span class="react-group" role="group" aria-label="Reactions">
          <For each={REACTION_EMOJI}>
            {(emoji) => (
              <button type="button" class="react" aria-label={`React ${emoji}`} onClick={() => act.react(emoji)}>
                {emoji}
              </button>
            )}
          </For>
        </span>
        <button type="button" aria-label="Polls" aria-expanded={panel() === 'polls'} onClick={() => toggle('polls')}>
          Polls
        </button>
        <button type="button" aria-pressed={layout() === 'tile'} disabled={!!followed()} onClick={() => setLayout('tile')}>
          Tile view
        </button>
        <button type="button" aria-pressed={layout() === 'stage'} disabled={!!followed()} onClick={() => setLayout('stage')}>
          Stage view
        </button>
        <Show when={mod.canModerate}>
          <button type="button" aria-pressed={leadingLayout()} onClick={toggleFollowMe}>
            {leadingLayout() ? 'Stop asking to follow me' : 'Ask everyone to follow my layout'}
          </button>
        </Show>
        <Show when={mod.isHost}>
          <button type="button" aria-pressed={mod.settings.everyoneModerator} onClick={() => modAct.everyoneModerator(!mod.settings.everyoneModerator)}>
            Everyone is a moderator
          </button>
        </Show>
        <Show when={mod.canModerate}>
          <button type="button" onClick={() => modAct.muteEveryone()}>
            Mute everyone
          </button>
        </Show>
        <Show when={mod.canModerate}>
          <button type="button" aria-pressed={mod.settings.locked} onClick={() => modAct.lock(!mod.settings.locked)}>
            {mod.settings.locked ? 'Unlock meeting' : 'Lock meeting'}
          </button>
        </Show>
        <Show when={mod.settings.locked && !mod.canModerate}>
          <span class="locked-badge" role="img" aria-label="Meeting locked" title="Meeting locked">
            🔒
          </span>
        </Show>
        <Show when={props.lobbyHash}>
          <button type="button" aria-label="Copy lobby link" onClick={() => void copyLobbyLink()}>
            {lobbyCopied() ? 'Lobby link copied' : 'Copy lobby link'}
          </button>
        </Show>
        <ScreenShareButton screen={media.screen} active={screenShare.active()} />
        <button type="button" aria-haspopup="dialog" onClick={() => setSettingsOpen(true)}>
          Settings
        </button>
        <SettingsDialog media={media} open={settingsOpen()} onClose={() => setSettingsOpen(false)} />
        {/* Large rooms: which topology carries the media, and that it stays end-to-end encrypted. */}
        <span class="mode-badge" role="status" aria-label="Call mode" title={mode() === 'tree' ? 'Media is forwarded between participants, still encrypted end to end' : 'Everyone sends to everyone directly'}>
          {mode() === 'tree' ? 'Relay tree' : 'Mesh'}
          {engine.encrypted ? ' · E2EE' : ' · not encrypted'}
        </span>
        <button type="button" aria-label="Encryption" aria-expanded={showSecurity()} onClick={() => toggle('security')}>
          {engine.encrypted ? '🔒 Encrypted' : '🔓 Not encrypted'}
        </button>
        <Show when={props.recording}>{(r) => <RecordingButton recording={r()} stage={() => (grid ? domStage(grid) : null)} />}</Show>
        <CallShortcuts
          actions={{
            toggleMic: () => void media.setMic(!media.micOn),
            toggleCamera: () => void media.setCam(!local().camOn),
            toggleChat: () => toggle('chat'),
            raiseHand: () => act.setHand(!myHandUp()),
            toggleTileView: () => !followed() && setLayout(ownLayout() === 'tile' ? 'stage' : 'tile'),
            setMuted: (muted) => void media.setMic(!muted),
            isMuted: () => !media.micOn,
          }}
        />
        <button type="button" class="danger" onClick={() => props.onLeave()}>
          Leave
        </button>
      </nav>
    </div>
  );
}
