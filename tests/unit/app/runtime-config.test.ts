import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNTIME_CONFIG, parseRuntimeConfig, RuntimeConfigError } from '../../../src/protocol/runtime-config';
import { preferVideoCodecs } from '../../../src/call/codec-preferences';

describe('runtime config', () => {
  it('fills defaults and normalises', () => {
    expect(parseRuntimeConfig({})).toEqual(DEFAULT_RUNTIME_CONFIG);
    expect(parseRuntimeConfig({ relayUrl: 'https://relay.example/', iceServers: [{ urls: 'stun:relay.example:3478' }] })).toMatchObject({
      relayUrl: 'https://relay.example',
      iceServers: [{ urls: ['stun:relay.example:3478'] }],
    });
  });

  it('rejects what would break a client, with a typed error', () => {
    for (const bad of [null, [], { version: 2 }, { relayUrl: 'javascript:alert(1)' }, { iceServers: [{ urls: ['http://x'] }] }, { maxMeshParticipants: 1 }, { maxParticipants: 1001 }, { maxParticipants: 2.5 }, { features: { e2ee: 'yes' } }, { iceServers: new Array(17).fill({ urls: 'stun:x' }) }]) {
      expect(() => parseRuntimeConfig(bad)).toThrow(RuntimeConfigError);
    }
  });
});

describe('video codec preference', () => {
  it('puts VP8 then VP9 first, keeps repair codecs and drops the rest', () => {
    const codecs = [
      { mimeType: 'video/H264', clockRate: 90000 },
      { mimeType: 'video/rtx', clockRate: 90000 },
      { mimeType: 'video/VP9', clockRate: 90000 },
      { mimeType: 'video/AV1', clockRate: 90000 },
      { mimeType: 'video/VP8', clockRate: 90000 },
      { mimeType: 'video/red', clockRate: 90000 },
    ];
    expect(preferVideoCodecs(codecs).map((c) => c.mimeType)).toEqual(['video/VP8', 'video/VP9', 'video/rtx', 'video/red']);
  });
});
