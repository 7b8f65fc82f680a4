import { Match, Switch, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { CallEngine } from '../call/call-engine';
import { CallSecurity } from '../call/call-security';
import { startQualityReports } from '../call/quality-reporter';
import { randomBytes, toHex } from '../util/base64url';
import { LocalMedia } from '../call/local-media';
import { bootConfig } from '../config/boot-config';
import type { LoadedConfig } from '../config/load-config';
import { exposeDebug } from '../debug/expose-debug';
import { roomTopic, sanitizeDisplayName, type RoomLink } from '../room/room-link';
import { CallView } from './CallView';
import { rememberName, rememberedName } from './display-name-store';
import { PreJoin } from './PreJoin';

type Phase =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'prejoin' }
  | { kind: 'call'; engine: CallEngine }
  | { kind: 'full' }
  | { kind: 'left' };

export function RoomPage(props: { link: RoomLink }): JSX.Element {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'loading' });
  const [name, setName] = createSignal(props.link.params.name ?? rememberedName());
  let loaded = null as LoadedConfig | null;
  const media = new LocalMedia({ micOn: props.link.params.audio, camOn: props.link.params.video });
  let engine: CallEngine | null = null;
  let security: CallSecurity | null = null;
  let stopReports: (() => void) | null = null;
  const mediaStarted = media.start().then(() => {
    performance.mark('lunar:media-ready');
  });
  // Keys, the E2EE worker and our DTLS certificate start with the page, in parallel with the
  // config fetch and the camera: none of them waits for the others.
  const myId = toHex(randomBytes(16));
  const makeSecurity = (encryptMedia: boolean) =>
    CallSecurity.create({ secret: props.link.secret, myId, encryptMedia, bypassEncryption: window.__lunarTestHooks?.bypassEncryption === true });
  let securityReady: Promise<CallSecurity> = makeSecurity(true);
  securityReady.catch(() => undefined);
  const topicReady = roomTopic(props.link.roomId);

  const join = async () => {
    if (!loaded) return;
    const displayName = sanitizeDisplayName(name()) || 'Guest';
    rememberName(displayName);
    const { config, relayBase } = loaded;
    try {
      if (!config.features.e2ee) {
        // The relay turned media encryption off (debugging): verification stays on.
        void securityReady.then((s) => s.dispose(), () => undefined);
        securityReady = makeSecurity(false);
      }
      security = await securityReady;
    } catch (err) {
      setPhase({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    engine = new CallEngine({
      myId,
      security,
      relayBase,
      roomTopic: await topicReady,
      rtcConfig: {
        iceServers: config.iceServers,
        iceTransportPolicy: props.link.params.relayOnly ? 'relay' : 'all',
        bundlePolicy: 'max-bundle',
      },
      maxParticipants: config.maxMeshParticipants,
      media,
      mediaReady: mediaStarted,
      displayName,
      ...(props.link.params.jwt ? { jwt: props.link.params.jwt } : {}),
    });
    if (config.features.qualityReports) stopReports = startQualityReports(engine, relayBase, props.link.params.relayOnly);
    const e = engine;
    e.on(() => {
      if (e.roomFull && phase().kind === 'call') setPhase({ kind: 'full' });
    });
    exposeDebug(e, media, security);
    setPhase({ kind: 'call', engine: e });
  };

  const leave = () => {
    stopReports?.();
    engine?.leave();
    engine = null;
    security?.dispose();
    security = null;
    media.stop();
    setPhase({ kind: 'left' });
  };

  onMount(async () => {
    try {
      loaded = await bootConfig();
      performance.mark('lunar:config-loaded');
    } catch (err) {
      setPhase({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (props.link.params.prejoin) setPhase({ kind: 'prejoin' });
    else await join();
  });

  const onPageHide = () => engine?.leave();
  window.addEventListener('pagehide', onPageHide);
  onCleanup(() => {
    window.removeEventListener('pagehide', onPageHide);
    stopReports?.();
    engine?.leave();
    security?.dispose();
    if (!security) void securityReady.then((s) => s.dispose(), () => undefined);
    media.stop();
  });

  return (
    <Switch>
      <Match when={phase().kind === 'loading'}>
        <main class="centered">
          <p aria-live="polite">Connecting to the meeting server…</p>
        </main>
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
      <Match when={phase().kind === 'prejoin'}>
        <PreJoin media={media} name={name()} onName={setName} onJoin={() => void join()} mediaReady={mediaStarted} />
      </Match>
      <Match when={phase().kind === 'call' && (phase() as { engine: CallEngine })}>
        {(p) => <CallView engine={p().engine} media={media} link={props.link} onLeave={leave} />}
      </Match>
      <Match when={phase().kind === 'full'}>
        <main class="centered">
          <h1>This meeting is full</h1>
          <p role="alert">
            It already has the most people a meeting can hold ({loaded?.config.maxMeshParticipants ?? 6}). Ask someone to leave, or try again in a moment.
          </p>
          <button type="button" class="primary" onClick={() => location.reload()}>
            Try again
          </button>
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
