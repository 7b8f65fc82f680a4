/**
 * Injected into both pages before any of their scripts: records every RTCPeerConnection
 * and the moment (ms since navigation start) the first remote video frame is decoded, by
 * polling getStats — the same probe for our app and the baseline, so it costs both alike.
 * It also records when a remote frame was first on screen (`__firstShownAt`): the
 * presentation time requestVideoFrameCallback reports for any <video> showing a track one of
 * those connections receives (taken by the compositor, not when our main thread got to it).
 *
 * It says it saw the first frame on the console, which the bench waits for: waiting with
 * page.waitForFunction instead had Playwright inject its utility script into the joining page
 * 200–300 ms after it opened the link, 10–50 ms of that page's main thread in the middle of its
 * join (a Chrome trace showed it as the only EvaluateScript), and poll it every 50 ms after.
 */
/** What the probe logs once it saw the first decoded frame (the bench waits for it, see below). */
export const FIRST_FRAME_MESSAGE = 'lunar-bench:first-frame';

export const FIRST_FRAME_PROBE = `(() => {
  const pcs = [];
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) { const pc = new Orig(...args); pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Orig.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Orig);
  window.__firstFrameAt = null;
  window.__firstShownAt = null;
  const watched = new WeakSet();
  const watchVideos = () => {
    if (window.__firstShownAt !== null) return;
    const remote = new Set(pcs.flatMap((pc) => pc.getReceivers().map((r) => r.track)));
    for (const v of document.querySelectorAll('video')) {
      if (watched.has(v) || !(v.srcObject instanceof MediaStream)) continue;
      if (!v.srcObject.getVideoTracks().some((t) => remote.has(t))) continue;
      watched.add(v);
      v.requestVideoFrameCallback((_now, meta) => {
        const at = meta.presentationTime;
        if (window.__firstShownAt === null || at < window.__firstShownAt) window.__firstShownAt = at;
      });
    }
    setTimeout(watchVideos, 5);
  };
  setTimeout(watchVideos, 5);
  const poll = async () => {
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      for (const s of stats.values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) {
          window.__firstFrameAt = performance.now();
          console.debug('${FIRST_FRAME_MESSAGE}');
          return;
        }
      }
    }
    setTimeout(poll, 5);
  };
  setTimeout(poll, 5);
})();`;
