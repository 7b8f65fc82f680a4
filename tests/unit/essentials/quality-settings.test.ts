import { describe, expect, it } from 'vitest';
import {
  audioConstraints,
  audioEncoding,
  DEFAULT_MEDIA_SETTINGS,
  mergeEncoding,
  videoBudgetKbps,
  videoConstraints,
  videoEncoding,
  type MediaSettings,
} from '../../../src/media/quality-settings';
import { applyReceiveCap, tuneOpus } from '../../../src/media/sdp-munging';
import { CHROME_OFFER, FIREFOX_ANSWER } from './sdp-samples';

const settings = (o: Partial<MediaSettings>): MediaSettings => ({ ...DEFAULT_MEDIA_SETTINGS, ...o });

describe('quality presets', () => {
  it('auto captures 720p30 and leaves the bitrate to congestion control', () => {
    expect(videoConstraints(settings({}))).toMatchObject({ width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } });
    const enc = videoEncoding(settings({}), 720);
    expect(enc).toEqual({ active: true, maxFramerate: 30, scaleResolutionDownBy: 1 });
  });

  it('standard scales a 720p source down by 2 and caps at 600 kbps; low is 180p15 at 150 kbps', () => {
    expect(videoEncoding(settings({ preset: 'standard' }), 720)).toEqual({ active: true, maxFramerate: 30, scaleResolutionDownBy: 2, maxBitrate: 600_000 });
    expect(videoEncoding(settings({ preset: 'low' }), 720)).toEqual({ active: true, maxFramerate: 15, scaleResolutionDownBy: 4, maxBitrate: 150_000 });
    expect(videoEncoding(settings({ preset: 'hd' }), 720).maxBitrate).toBe(1_500_000);
    expect(videoConstraints(settings({ preset: 'low' }), 'cam-2')).toMatchObject({ deviceId: { exact: 'cam-2' }, height: { ideal: 180 } });
  });

  it('minimal (the quality=low link) captures 160×120 at 10 fps and stays minimal in low-bandwidth mode', () => {
    expect(videoConstraints(settings({ preset: 'minimal' }))).toMatchObject({ width: { ideal: 160 }, height: { ideal: 120 }, frameRate: { ideal: 10, max: 10 } });
    expect(videoEncoding(settings({ preset: 'minimal', lowBandwidth: true }), 120)).toEqual({ active: true, maxFramerate: 10, scaleResolutionDownBy: 1, maxBitrate: 100_000 });
  });

  it('a send cap leaves room for audio and wins over the preset', () => {
    expect(videoBudgetKbps(settings({ preset: 'hd', sendCapKbps: 300 }))).toBe(268);
    expect(videoEncoding(settings({ sendCapKbps: 300 })).maxBitrate).toBe(268_000);
    // Too small for video: the encoding is turned off rather than sending mush.
    expect(videoEncoding(settings({ sendCapKbps: 60 })).active).toBe(false);
  });

  it('audio-only sends no video and asks for none; low-bandwidth forces the low preset under 250 kbps', () => {
    expect(videoConstraints(settings({ audioOnly: true }))).toBe(false);
    expect(videoEncoding(settings({ audioOnly: true })).active).toBe(false);
    const lb = settings({ preset: 'hd', lowBandwidth: true });
    expect(videoConstraints(lb)).toMatchObject({ height: { ideal: 180 } });
    expect(videoEncoding(lb, 720).maxBitrate).toBe(150_000);
    expect(audioEncoding(lb).maxBitrate).toBe(24_000);
  });

  it('music mode turns voice processing off and raises the audio bitrate', () => {
    expect(audioConstraints(settings({ music: true }))).toMatchObject({ echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: { ideal: 2 } });
    expect(audioConstraints(settings({}))).toMatchObject({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect(audioEncoding(settings({ music: true })).maxBitrate).toBe(128_000);
  });

  it('mergeEncoding keeps browser-owned fields and drops a lifted cap', () => {
    const params = { transactionId: 'tx1', codecs: [], headerExtensions: [], rtcp: {}, encodings: [{ rid: 'h', maxBitrate: 100_000, active: true }] } as unknown as RTCRtpSendParameters;
    const merged = mergeEncoding(params, { active: true, maxFramerate: 30, scaleResolutionDownBy: 1 });
    expect(merged.transactionId).toBe('tx1');
    expect(merged.encodings[0]).toEqual({ rid: 'h', active: true, maxFramerate: 30, scaleResolutionDownBy: 1 });
  });
});

describe('tuneOpus', () => {
  it('adds FEC and DTX to Chrome offer, keeping minptime and other codecs', () => {
    const out = tuneOpus(CHROME_OFFER, { music: false });
    expect(out).toContain('a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\n');
    expect(out).toContain('a=fmtp:63 111/111\r\n');
    expect(out.split('\r\n').length).toBe(CHROME_OFFER.split('\r\n').length);
    expect(out).not.toMatch(/[^\r]\n/); // CRLF preserved
    // Idempotent.
    expect(tuneOpus(out, { music: false })).toBe(out);
  });

  it('music mode: stereo, 128 kbps, no DTX', () => {
    const out = tuneOpus(CHROME_OFFER, { music: true });
    expect(out).toContain('a=fmtp:111 minptime=10;useinbandfec=1;usedtx=0;stereo=1;sprop-stereo=1;maxaveragebitrate=128000\r\n');
  });

  it('adds an fmtp line right after rtpmap when Opus has none (Firefox answer)', () => {
    const out = tuneOpus(FIREFOX_ANSWER, { music: false });
    const lines = out.split('\n');
    const at = lines.indexOf('a=rtpmap:109 opus/48000/2');
    expect(lines[at + 1]).toBe('a=fmtp:109 useinbandfec=1;usedtx=1');
    expect(out).toContain('a=fmtp:101 0-15\n');
    expect(out).not.toContain('\r');
  });

  it('leaves video and data sections alone', () => {
    const out = tuneOpus(CHROME_OFFER, { music: true });
    const video = (s: string) => s.slice(s.indexOf('m=video'));
    expect(video(out)).toBe(video(CHROME_OFFER));
  });
});

describe('applyReceiveCap', () => {
  it('puts b=AS and b=TIAS after the video c= line only', () => {
    const out = applyReceiveCap(CHROME_OFFER, 500);
    const lines = out.split('\r\n');
    const m = lines.indexOf('m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99');
    expect(lines.slice(m, m + 4)).toEqual(['m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99', 'c=IN IP4 0.0.0.0', 'b=AS:500', 'b=TIAS:500000']);
    expect(out.match(/b=AS:/g)).toHaveLength(1);
  });

  it('replaces an earlier cap and removes it with undefined', () => {
    const twice = applyReceiveCap(applyReceiveCap(CHROME_OFFER, 500), 200);
    expect(twice.match(/b=AS:\d+/g)).toEqual(['b=AS:200']);
    expect(applyReceiveCap(twice, undefined)).toBe(CHROME_OFFER);
  });

  it('inserts after m= when c= is at session level', () => {
    const lines = applyReceiveCap(FIREFOX_ANSWER, 300).split('\n');
    const m = lines.indexOf('m=video 9 UDP/TLS/RTP/SAVPF 120');
    expect(lines[m + 1]).toBe('b=AS:300');
  });
});
