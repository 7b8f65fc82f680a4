import { describe, expect, it } from 'vitest';
import type { LocalMedia } from '../../../src/call/local-media';
import { sdpPolicy } from '../../../src/call/send-settings';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from '../../../src/media/quality-settings';
import { CHROME_OFFER } from './sdp-samples';

// sdpPolicy reads only `settings`, at call time: a plain object stands in for LocalMedia.
const mediaWith = (s: Partial<MediaSettings>) => ({ settings: { ...DEFAULT_MEDIA_SETTINGS, ...s } }) as unknown as LocalMedia;

describe('sdpPolicy', () => {
  it('tunes Opus for FEC and DTX in the local description, without a receive cap', () => {
    const local = sdpPolicy(mediaWith({ receiveCapKbps: 300 })).local(CHROME_OFFER);
    expect(local).toMatch(/a=fmtp:111 [^\r\n]*useinbandfec=1/);
    expect(local).toMatch(/a=fmtp:111 [^\r\n]*usedtx=1/);
    expect(local).not.toContain('b=AS:');
  });

  it('adds the receive cap to what is sent, and reads settings when called (a later offer carries new ones)', () => {
    const media = mediaWith({});
    const policy = sdpPolicy(media);
    expect(policy.outgoing(CHROME_OFFER)).not.toContain('b=AS:');
    media.settings = { ...media.settings, receiveCapKbps: 300, music: true };
    const sent = policy.outgoing(CHROME_OFFER);
    expect(sent).toContain('b=AS:300');
    expect(sent).toContain('b=TIAS:300000');
    expect(sent).toMatch(/a=fmtp:111 [^\r\n]*usedtx=0;stereo=1/);
  });
});
