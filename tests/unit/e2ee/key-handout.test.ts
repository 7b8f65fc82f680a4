import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8 } from '../../../src/e2ee/bytes';
import { epochSealContext, generateX25519KeyPair, openSealed, prepareEphemeral, sealToPeer } from '../../../src/e2ee/key-seal';
import { computePeerProof, deriveAuthKey, verifyPeerProof } from '../../../src/e2ee/peer-auth';
import { deriveRoomKey, randomKey } from '../../../src/e2ee/room-keys';
import { safetyWords } from '../../../src/e2ee/safety-words';
import { SAFETY_WORDS } from '../../../src/e2ee/word-list';
import { OTHER_SECRET, SECRET } from './frames';

describe('X25519 epoch key sealing', () => {
  it('round-trips an epoch key to the intended peer', async () => {
    const bob = await generateX25519KeyPair();
    expect(bob.secretKey).toHaveLength(32);
    expect(bob.publicKey).toHaveLength(32);
    const key = randomKey();
    const ctx = epochSealContext(3, 'alice', 'alice', 'bob');
    const sealed = await sealToPeer(key, bob.publicKey, ctx);
    expect(sealed).toHaveLength(32 + 32 + 16);
    expect(bytesToHex(await openSealed(sealed, bob, ctx))).toBe(bytesToHex(key));
    // Fresh ephemeral key each time: two seals of one key differ.
    expect(bytesToHex(await sealToPeer(key, bob.publicKey, ctx))).not.toBe(bytesToHex(sealed));
  });

  it('seals with an ephemeral made ahead: its public half leads the seal, and it opens', async () => {
    const bob = await generateX25519KeyPair();
    const key = randomKey();
    const ctx = epochSealContext(4, 'alice', 'alice', 'bob');
    const ephemeral = prepareEphemeral();
    const sealed = await sealToPeer(key, bob.publicKey, ctx, ephemeral);
    expect(bytesToHex(sealed.subarray(0, 32))).toBe(bytesToHex((await ephemeral).publicKey));
    expect(bytesToHex(await openSealed(sealed, bob, ctx))).toBe(bytesToHex(key));
    // Its private half stays inside WebCrypto.
    expect((await ephemeral).privateKey.extractable).toBe(false);
  });

  it('opens with the RFC 7748 §6.1 key pairs (raw private keys, as the host key derives them)', async () => {
    const alicePriv = hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bobPub = hexToBytes('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const bobPriv = hexToBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const alicePub = hexToBytes('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    // What Alice seals to Bob's public key, Bob opens with his private key, and the reverse.
    const ctx = utf8('rfc7748');
    const key = randomKey();
    expect(bytesToHex(await openSealed(await sealToPeer(key, bobPub, ctx), { secretKey: bobPriv, publicKey: bobPub }, ctx))).toBe(bytesToHex(key));
    expect(bytesToHex(await openSealed(await sealToPeer(key, alicePub, ctx), { secretKey: alicePriv, publicKey: alicePub }, ctx))).toBe(bytesToHex(key));
    // A private key that does not match the public key the seal was made for opens nothing.
    await expect(openSealed(await sealToPeer(key, bobPub, ctx), { secretKey: alicePriv, publicKey: bobPub }, ctx)).rejects.toMatchObject({ code: 'invalid-tag' });
  });

  it('fails for another recipient, another context, or any flipped byte', async () => {
    const bob = await generateX25519KeyPair();
    const eve = await generateX25519KeyPair();
    const ctx = epochSealContext(3, 'alice', 'alice', 'bob');
    const sealed = await sealToPeer(randomKey(), bob.publicKey, ctx);
    const invalidTag = { code: 'invalid-tag' };
    await expect(openSealed(sealed, eve, ctx)).rejects.toMatchObject(invalidTag);
    await expect(openSealed(sealed, bob, epochSealContext(4, 'alice', 'alice', 'bob'))).rejects.toMatchObject(invalidTag);
    await expect(openSealed(sealed, bob, epochSealContext(3, 'alice', 'alice', 'eve'))).rejects.toMatchObject(invalidTag);
    // Another minter claimed for the same key: refused.
    await expect(openSealed(sealed, bob, epochSealContext(3, 'mallory', 'alice', 'bob'))).rejects.toMatchObject(invalidTag);
    for (const i of [0, 31, 32, 50, sealed.length - 1]) {
      const tampered = new Uint8Array(sealed);
      tampered[i] = (tampered[i] ?? 0) ^ 0x80;
      await expect(openSealed(tampered, bob, ctx), `byte ${i}`).rejects.toThrow();
    }
    await expect(openSealed(sealed.subarray(0, 40), bob, ctx)).rejects.toMatchObject(invalidTag);
  });

  it('rejects malformed and low-order public keys', async () => {
    const ctx = utf8('x');
    await expect(sealToPeer(randomKey(), new Uint8Array(31), ctx)).rejects.toMatchObject({ code: 'invalid-key' });
    await expect(sealToPeer(randomKey(), new Uint8Array(32), ctx)).rejects.toMatchObject({ code: 'invalid-key' });
  });
});

describe('peer proofs', () => {
  const authKey = deriveAuthKey(deriveRoomKey(SECRET));
  const fpA = 'sha-256 AA:BB:CC';
  const fpB = 'sha-256 11:22:33';
  const pub = new Uint8Array(32).fill(7);

  it('verifies a proof made by a peer who knows the room key, from either side', () => {
    const proof = computePeerProof(authKey, { myFingerprint: fpA, theirFingerprint: fpB, myId: 'alice', proverPublicKey: pub });
    expect(verifyPeerProof(authKey, proof, { myFingerprint: fpB, theirFingerprint: fpA, theirId: 'alice', proverPublicKey: pub })).toBe(true);
    // Fingerprint case and spacing do not matter.
    expect(verifyPeerProof(authKey, proof, { myFingerprint: 'SHA-256  11:22:33 ', theirFingerprint: 'sha-256 aa:bb:cc', theirId: 'alice', proverPublicKey: pub })).toBe(true);
  });

  it('rejects forged, reflected, swapped-fingerprint and wrong-key proofs', () => {
    const proof = computePeerProof(authKey, { myFingerprint: fpA, theirFingerprint: fpB, myId: 'alice', proverPublicKey: pub });
    const check = (p: Uint8Array, theirId = 'alice', mine = fpB, theirs = fpA, key = authKey, proverPublicKey = pub) =>
      verifyPeerProof(key, p, { myFingerprint: mine, theirFingerprint: theirs, theirId, proverPublicKey });
    expect(check(proof, 'bob')).toBe(false); // reflected back as if from bob
    expect(check(proof, 'alice', 'sha-256 66:66:66')).toBe(false); // SDP swapped by the relay
    expect(check(proof, 'alice', fpB, fpA, authKey, new Uint8Array(32).fill(8))).toBe(false); // hand-out key swapped by the relay
    expect(check(proof, 'alice', fpB, fpA, authKey, new Uint8Array(31).fill(7))).toBe(false); // not an X25519 key
    expect(check(proof, 'alice', fpB, fpA, deriveAuthKey(deriveRoomKey(OTHER_SECRET)))).toBe(false);
    const forged = new Uint8Array(proof);
    forged[0] = (forged[0] ?? 0) ^ 1;
    expect(check(forged)).toBe(false);
    expect(check(new Uint8Array(0))).toBe(false);
    const outsider = computePeerProof(deriveAuthKey(deriveRoomKey(OTHER_SECRET)), { myFingerprint: fpA, theirFingerprint: fpB, myId: 'alice', proverPublicKey: pub });
    expect(check(outsider)).toBe(false);
  });
});

describe('safety words', () => {
  const room = deriveRoomKey(SECRET);
  const fps = ['sha-256 AA:01', 'sha-256 BB:02', 'sha-256 CC:03'];

  it('has a 256-entry list of distinct words', () => {
    expect(SAFETY_WORDS).toHaveLength(256);
    expect(new Set(SAFETY_WORDS).size).toBe(256);
  });

  it('is deterministic and independent of order, case and duplicates', () => {
    const words = safetyWords(room, fps);
    expect(words).toHaveLength(6);
    for (const w of words) expect(SAFETY_WORDS).toContain(w);
    expect(safetyWords(room, [...fps].reverse())).toEqual(words);
    expect(safetyWords(room, [fps[2]!, fps[0]!.toLowerCase(), fps[1]!, fps[1]!])).toEqual(words);
  });

  it('changes with the room key or any fingerprint', () => {
    const words = safetyWords(room, fps);
    expect(safetyWords(deriveRoomKey(OTHER_SECRET), fps)).not.toEqual(words);
    expect(safetyWords(room, [...fps.slice(0, 2), 'sha-256 CC:04'])).not.toEqual(words);
    expect(safetyWords(room, fps.slice(0, 2))).not.toEqual(words);
  });
});
