/**
 * The join-time baseline: a raw RTCPeerConnection and a trivial WebSocket signaller
 * (bench/join/bare-signaller.ts), doing the least a two-person video call can do.
 * `?ws=<url>` names the signaller. The first page to arrive waits; the second offers.
 */
// Milestones for bench/join's breakdown (the app marks its own as `lunar:*`).
const mark = (name: string) => performance.mark(`bare:${name}`);
mark('script-start');
const params = new URLSearchParams(location.search);
const ws = new WebSocket(params.get('ws') ?? '');
ws.onopen = () => mark('ws-open');
const pc = new RTCPeerConnection({ iceServers: [] });
(window as unknown as { barePc: RTCPeerConnection }).barePc = pc;
// The same capture as the app's default quality (auto: 720p30), so the ratio measures what
// the app adds, not a smaller picture.
const media = navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } }, audio: true });
void media.then(() => mark('media-ready'), () => undefined);
pc.onconnectionstatechange = () => {
  if (pc.connectionState === 'connected') mark('connected');
};

// `?scale=2`: the camera goes out at half size, as the app's new connections start (the
// join benchmark's like-for-like row; see warmUpEncoding in src/media/send-encodings.ts).
const scale = Number(params.get('scale') ?? 1);
const addTracks = (stream: MediaStream) => {
  for (const t of stream.getTracks()) {
    const sender = pc.addTrack(t, stream);
    const p = sender.getParameters();
    if (t.kind === 'video' && scale > 1 && p.encodings[0]) {
      p.encodings[0].scaleResolutionDownBy = scale;
      void sender.setParameters(p);
    }
  }
};

pc.onicecandidate = (e) => ws.send(JSON.stringify({ candidate: e.candidate }));
pc.ontrack = (e) => {
  const v = document.getElementById('remote') as HTMLVideoElement;
  if (e.streams[0] && v.srcObject !== e.streams[0]) v.srcObject = e.streams[0];
};

ws.onmessage = async (ev) => {
  const msg = JSON.parse(ev.data as string) as { peers?: number; sdp?: RTCSessionDescriptionInit; candidate?: RTCIceCandidateInit | null };
  if (msg.peers === 2 && pc.signalingState === 'stable' && !pc.remoteDescription) {
    // The newcomer offers.
    const stream = await media;
    addTracks(stream);
    await pc.setLocalDescription();
    ws.send(JSON.stringify({ sdp: pc.localDescription }));
    mark('offer-sent');
  } else if (msg.sdp) {
    if (msg.sdp.type === 'offer') {
      const stream = await media;
      addTracks(stream);
      await pc.setRemoteDescription(msg.sdp);
      await pc.setLocalDescription();
      ws.send(JSON.stringify({ sdp: pc.localDescription }));
      mark('answer-sent');
    } else {
      mark('answer-received');
      await pc.setRemoteDescription(msg.sdp);
    }
  } else if (msg.candidate !== undefined) {
    await pc.addIceCandidate(msg.candidate ?? undefined).catch(() => undefined);
  }
};
