/**
 * Injected into both pages before any of their scripts: records every RTCPeerConnection
 * and the moment (ms since navigation start) the first remote video frame is decoded, by
 * polling getStats — the same probe for our app and the baseline, so it costs both alike.
 */
export const FIRST_FRAME_PROBE = `(() => {
  const pcs = [];
  const Orig = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) { const pc = new Orig(...args); pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Orig.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Orig);
  window.__firstFrameAt = null;
  const poll = async () => {
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      for (const s of stats.values()) {
        if (s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) {
          window.__firstFrameAt = performance.now();
          return;
        }
      }
    }
    setTimeout(poll, 5);
  };
  setTimeout(poll, 5);
})();`;
