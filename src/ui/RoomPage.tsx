import { markOnce } from '../util/mark-once';
import { Match, Show, Switch, createSignal, lazy, onCleanup, onMount, type JSX } from 'solid-js';
import { CallEngine } from '../call/call-engine';
import { CallSecurity } from '../call/call-security';
import { closeCallSignaling, openCallSignaling } from '../call/call-signaling';
import { takeEarlySignaling } from '../call/early-signaling';
import { startQualityReports } from '../call/quality-reporter';
import { randomBytes, toHex } from '../util/base64url';
import { LocalMedia } from '../call/local-media';
import { bootConfig } from '../config/boot-config';
import { unreachableMessage, type LoadedConfig } from '../config/load-config';
import { E2eeError } from '../e2ee/errors';
import { exposeDebug, exposeRoomDebug } from '../debug/expose-debug';
import type { RoomDocConnection } from '../room-state/room-doc-provider';
import { readHostKey, readPasscodeCheck } from '../room-state/room-links';
import { PasscodeGate } from './PasscodeGate';
import { roomTopic, sanitizeDisplayName, type RoomLink } from '../room/room-link';
import { rememberName, rememberedName } from './display-name-store';
import { PreJoin } from './PreJoin';
import { untilFirstPeer } from './until-first-peer';
import { FirstPicture } from './FirstPicture';
import { firstPicturePeer } from './first-picture';

/**
 * The in-call UI and the room doc (Yjs and its sync) are their own chunks. A room link fetches
 * them with the page but runs them only after the first picture: the joining page's main thread
 * is the join's bottleneck on small machines, and traced in bench/join the in-call UI's module
 * (22–85 ms) and the room doc's (14–45 ms) ran between the key hand-out and the first frame.
 */
const loadCallRoom = () => import('./CallRoom').then((m) => ({ default: m.CallRoom }));
const CallRoom = lazy(loadCallRoom);
const loadRoomDoc = () => import('../room-state/room-doc-provider');

/** Resolves once the call has answered (or made) its first offer: see CallEngine.negotiated. */
function untilNegotiated(call: CallEngine): Promise<void> {
  return new Promise((resolve) => {
    let off: (() => void) | null = null;
    const check = () => {
      if (!call.negotiated) return false;
      off?.();
      resolve();
      return true;
    };
    if (!check()) off = call.on(check);
  });
}

/** What a person reads when the call's encryption cannot start. */
function securityFailure(err: unknown, relayBase: string): string {
  // The worker's script comes from the relay: if it cannot load, the relay is the problem.
  if (err instanceof E2eeError && err.code === 'worker-failed') return unreachableMessage(relayBase);
  return err instanceof Error ? err.message : String(err);
}

type Phase =
  | { kind: 'loading'; joining?: true; first?: { name: string; stream: MediaStream; onShown: () => void } }
  | { kind: 'error'; message: string }
  | { kind: 'passcode' }
  | { kind: 'prejoin' }
  | { kind: 'call'; engine: CallEngine; conn: RoomDocConnection; secret: string; relayBase: string }
  | { kind: 'full' }
  | { kind: 'left' }
  | { kind: 'removed' }
  | { kind: 'locked' };

export function RoomPage(props: { link: RoomLink }): JSX.Element {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'loading' });
  const [name, setName] = createSignal(props.link.params.name ?? rememberedName());
  let loaded = null as LoadedConfig | null;
  const media = new LocalMedia({ micOn: props.link.params.audio, camOn: props.link.params.video });
  // `quality=low` in the link: capture small from the start, in the mesh as in the tree.
  if (props.link.params.quality === 'low') media.settings = { ...media.settings, preset: 'minimal' };
  // `ns=0`: no RNNoise graph at all (≈12 % of a core here, measured), until Settings turns it on.
  if (props.link.params.noiseSuppression === false) media.noiseSuppression = false;
  let engine: CallEngine | null = null;
  let security: CallSecurity | null = null;
  let stopReports: (() => void) | null = null;
  let conn: RoomDocConnection | null = null;
  const mediaStarted = media.start().then(() => {
    markOnce('media-ready');
  });
  // Keys, the E2EE worker and our DTLS certificate start with the page, in parallel with the
  // config fetch and the camera: none of them waits for the others.
  // A link without a pre-join screen had its sockets opened by main.tsx, for this id.
  const early = takeEarlySignaling(props.link.roomId);
  const myId = early?.myId ?? toHex(randomBytes(16));
  // The creator's link carries the host key (`host=`); it is checked against the room id.
  const query = location.hash.split('?')[1] ?? '';
  const hostKey = readHostKey(query, props.link.roomId);
  // A passcode room: the passcode is mixed into the key, so nothing starts before it is right.
  const passcodeCheck = readPasscodeCheck(query);
  let secret: string | null = passcodeCheck ? null : props.link.secret;
  const makeSecurity = (encryptMedia: boolean) => {
    const ready = CallSecurity.create({ secret: secret ?? '', myId, encryptMedia, bypassEncryption: window.__lunarTestHooks?.bypassEncryption === true });
    ready.catch(() => undefined);
    return ready;
  };
  let securityReady: Promise<CallSecurity> | null = secret ? makeSecurity(true) : null;
  const topicReady = early?.topic ?? roomTopic(props.link.roomId);

  // One join per page: every way back in (Rejoin, Try again) reloads it.
  let joinStarted = false;
  const join = async () => {
    if (!loaded || !secret || joinStarted) return;
    joinStarted = true;
    const roomSecret = secret;
    securityReady ??= makeSecurity(true);
    const displayName = sanitizeDisplayName(name()) || 'Guest';
    const { config, relayBase } = loaded;
    // The sockets open while the keys and the worker get ready (they need neither).
    const signaling = (await early?.sockets) ?? openCallSignaling(relayBase, myId, await topicReady, props.link.params.jwt);
    try {
      if (!config.features.e2ee) {
        // The relay turned media encryption off (debugging): verification stays on.
        void securityReady.then((sec) => sec.dispose(), () => undefined);
        securityReady = makeSecurity(false);
      }
      security = await securityReady;
      markOnce('security-ready');
    } catch (err) {
      securityReady = null;
      closeCallSignaling(signaling);
      setPhase({ kind: 'error', message: securityFailure(err, relayBase) });
      return;
    }
    const sec = security;
    sec.started.catch((err: unknown) => {
      if (security !== sec) return;
      leave('left');
      setPhase({ kind: 'error', message: securityFailure(err, relayBase) });
    });
    engine = new CallEngine({
      myId,
      security,
      relayBase,
      roomTopic: await topicReady,
      signaling,
      rtcConfig: {
        iceServers: config.iceServers,
        iceTransportPolicy: props.link.params.relayOnly ? 'relay' : 'all',
        bundlePolicy: 'max-bundle',
      },
      maxParticipants: config.maxParticipants,
      media,
      mediaReady: mediaStarted,
      displayName,
      ...(props.link.params.jwt ? { jwt: props.link.params.jwt } : {}),
      // The relay's mesh threshold applies unless the link sets its own (`meshMax=N`).
      tree: { secret: roomSecret, link: { ...props.link.params, meshMax: props.link.params.meshMax ?? config.maxMeshParticipants } },
    });
    if (config.features.qualityReports) stopReports = startQualityReports(engine, relayBase, props.link.params.relayOnly);
    const e = engine;
    e.on(() => {
      // 'loading': we are in the room but the call UI waits for a first peer (untilFirstPeer).
      const inRoom = phase().kind === 'call' || phase().kind === 'loading';
      if (e.roomFull && inRoom) setPhase({ kind: 'full' });
      if (e.relayUnreachable && engine === e && (inRoom || phase().kind === 'prejoin')) {
        leave('left');
        setPhase({ kind: 'error', message: unreachableMessage(relayBase) });
      }
    });
    exposeDebug(e, media, security);
    const firstPeer = untilFirstPeer(e);
    // Say what is happening while the first peer connects (from the pre-join or passcode screen too).
    const before = phase().kind;
    if (before === 'loading' || before === 'prejoin' || before === 'passcode') setPhase({ kind: 'loading', joining: true });
    // The shared room doc (chat, hands, polls…) and presence, over the call's own verified
    // connections so the relay sees none of it. Its chunk was prefetched with the page;
    // compiling and running it (Yjs and its first state, 10–45 ms of main thread here, traced)
    // waits until it cannot hold up the join: no peer can sync with it before our key hand-out.
    const openDoc = async (): Promise<RoomDocConnection | null> => {
      let connectRoomDoc: Awaited<ReturnType<typeof loadRoomDoc>>['connectRoomDoc'];
      try {
        ({ connectRoomDoc } = await loadRoomDoc());
      } catch {
        // The in-call UI and the room doc are chunks from wherever the app is hosted.
        leave('left');
        setPhase({ kind: 'error', message: unreachableMessage(new URL('.', location.href).href) });
        return null;
      }
      if (engine !== e) return null;
      try {
        conn = connectRoomDoc({
          transport: e.docTransport(),
          presence: { v: 1, peerId: myId, name: displayName, mic: media.micOn, cam: media.camOn, hand: null, speaking: 0, role: hostKey ? 'host' : 'guest', e2ee: e.encrypted ? 'verified' : 'off' },
        });
      } catch (err) {
        e.leave();
        setPhase({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
        return null;
      }
      exposeRoomDebug(conn);
      return conn;
    };
    // In a large room the doc connects once our first answer is out (the tree's media does not
    // wait on it); in a mesh after the first picture, below.
    await Promise.race([firstPeer, untilNegotiated(e)]);
    if (engine !== e) return;
    if (e.mode !== 'mesh' && !(await openDoc())) return;
    await firstPeer;
    if (engine !== e) return;
    // Remembered for next time (a synchronous storage write: off the join's busy stretch).
    rememberName(displayName);
    // The first person's picture, then the call around it (first-picture.ts). In a mesh only: in
    // a large room the camera comes over a tree link, not the connection we are keyed on.
    const first = phase().kind === 'loading' && e.mode === 'mesh' ? firstPicturePeer(e.participants()) : null;
    if (first) {
      await new Promise<void>((resolve) => setPhase({ kind: 'loading', joining: true, first: { name: first.name, stream: first.stream, onShown: resolve } }));
      markOnce('first-picture');
    }
    // In a mesh, after the first picture (or at once when there is none to wait for).
    const doc = conn ?? (await openDoc());
    if (!doc) return;
    // Its chunk was prefetched with the page (vite.config.ts): compiled and run now.
    markOnce('ui-eval-start');
    try {
      await CallRoom.preload();
      markOnce('ui-evaluated');
    } catch {
      leave('left');
      setPhase({ kind: 'error', message: unreachableMessage(new URL('.', location.href).href) });
      return;
    }
    // Left, full or unreachable meanwhile: that phase stays.
    if (engine !== e || phase().kind !== 'loading') return;
    setPhase({ kind: 'call', engine: e, conn: doc, secret: roomSecret, relayBase });
    markOnce('ui-rendered');
  };

  const leave = (why: 'left' | 'removed' | 'locked' = 'left') => {
    stopReports?.();
    conn?.dispose();
    conn = null;
    engine?.leave();
    engine = null;
    security?.dispose();
    security = null;
    media.stop();
    setPhase({ kind: why });
  };

  onMount(async () => {
    try {
      loaded = await bootConfig();
      markOnce('config-loaded');
    } catch (err) {
      setPhase({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (!secret) setPhase({ kind: 'passcode' });
    else await afterUnlock();
  });

  const afterUnlock = async () => {
    if (props.link.params.prejoin) setPhase({ kind: 'prejoin' });
    else await join();
  };
  const unlocked = (effectiveSecret: string) => {
    secret = effectiveSecret;
    securityReady = makeSecurity(true);
    void afterUnlock();
  };

  const onPageHide = () => {
    conn?.dispose();
    engine?.leave();
  };
  window.addEventListener('pagehide', onPageHide);
  onCleanup(() => {
    window.removeEventListener('pagehide', onPageHide);
    stopReports?.();
    conn?.dispose();
    engine?.leave();
    security?.dispose();
    if (!security) void securityReady?.then((sec) => sec.dispose(), () => undefined);
    media.stop();
  });

  return (
    <Switch>
      <Match when={phase().kind === 'loading'}>
        <Show
          when={(phase() as Extract<Phase, { kind: 'loading' }>).first}
          fallback={
            <main class="centered">
              <p aria-live="polite">{(phase() as { joining?: true }).joining ? 'Joining the meeting…' : 'Connecting to the meeting server…'}</p>
            </main>
          }
        >
          {(first) => <FirstPicture name={first().name} stream={first().stream} onShown={first().onShown} />}
        </Show>
      </Match>
      <Match when={phase().kind === 'error' && (phase() as { message: string })}>
        {(p) => (
          <main class="centered">
            <h1>Can't join yet</h1>
            <p role="alert">{p().message}</p>
            <button type="button" class="primary" onClick={() => location.reload()}>
              Try again
            </button>
          </main>
        )}
      </Match>
      <Match when={phase().kind === 'passcode' && passcodeCheck}>
        {(check) => <PasscodeGate roomId={props.link.roomId} secret={props.link.secret} check={check()} onUnlocked={unlocked} />}
      </Match>
      <Match when={phase().kind === 'prejoin'}>
        <PreJoin media={media} name={name()} onName={setName} onJoin={() => void join()} mediaReady={mediaStarted} />
      </Match>
      <Match when={phase().kind === 'call' && (phase() as Extract<Phase, { kind: 'call' }>)}>
        {(p) => <CallRoom engine={p().engine} conn={p().conn} media={media} link={props.link} hostKey={hostKey} secret={p().secret} relayBase={p().relayBase} {...(props.link.params.jwt ? { jwt: props.link.params.jwt } : {})} onLeave={() => leave('left')} onRemoved={() => queueMicrotask(() => leave('removed'))} onLocked={() => queueMicrotask(() => leave('locked'))} />}
      </Match>
      <Match when={phase().kind === 'full'}>
        <main class="centered">
          <h1>This meeting is full</h1>
          <p role="alert">
            It already has the most people a meeting can hold ({loaded?.config.maxParticipants ?? 256}). Ask someone to leave, or try again in a moment.
          </p>
          <button type="button" class="primary" onClick={() => location.reload()}>
            Try again
          </button>
        </main>
      </Match>
      <Match when={phase().kind === 'locked'}>
        <main class="centered">
          <h1>This meeting is locked</h1>
          <p role="alert">A moderator has locked this meeting: no one new can join right now. Ask them to unlock it, then try again.</p>
          <button type="button" class="primary" onClick={() => location.reload()}>
            Try again
          </button>
        </main>
      </Match>
      <Match when={phase().kind === 'removed'}>
        <main class="centered">
          <h1>You were removed from the meeting</h1>
          <p role="alert">A moderator removed you. The others have moved to a new key, so this page can no longer see or hear them.</p>
          <a class="button" href="#/">
            Home
          </a>
        </main>
      </Match>
      <Match when={phase().kind === 'left'}>
        <main class="centered">
          <h1>You left the meeting</h1>
          <div class="row">
            <button type="button" class="primary" onClick={() => location.reload()}>
              Rejoin
            </button>
            <a class="button" href="#/">
              Home
            </a>
          </div>
        </main>
      </Match>
    </Switch>
  );
}
