/**
 * Private messages sealed between two members' static X25519 keys (`boxBetween`): the
 * recipient opens what the sender sealed; nobody else can open it, and nobody else can seal
 * one the recipient takes as the sender's.
 */
import { describe, expect, it } from 'vitest';
import { boxBetween, directMessageContext, generateX25519KeyPair, openBetween } from '../../../src/e2ee/key-seal';
import { E2eeError } from '../../../src/e2ee/errors';

const text = new TextEncoder().encode('a private word');

describe('boxBetween / openBetween', () => {
  it('the recipient opens it; each box is different', async () => {
    const [ana, bea] = await Promise.all([generateX25519KeyPair(), generateX25519KeyPair()]);
    const ctx = directMessageContext('ana', 'bea');
    const a = await boxBetween(text, ana, bea.publicKey, ctx);
    const b = await boxBetween(text, ana, bea.publicKey, ctx);
    expect(a).not.toEqual(b);
    expect(await openBetween(a, bea, ana.publicKey, ctx)).toEqual(text);
  });

  it('a third member can neither open it nor pass one off as the sender’s', async () => {
    const [ana, bea, cem] = await Promise.all([generateX25519KeyPair(), generateX25519KeyPair(), generateX25519KeyPair()]);
    const ctx = directMessageContext('ana', 'bea');
    const boxed = await boxBetween(text, ana, bea.publicKey, ctx);
    await expect(openBetween(boxed, cem, ana.publicKey, ctx)).rejects.toBeInstanceOf(E2eeError);
    const forged = await boxBetween(text, cem, bea.publicKey, ctx);
    await expect(openBetween(forged, bea, ana.publicKey, ctx)).rejects.toBeInstanceOf(E2eeError);
  });

  it('refuses another context, a flipped bit and a short box', async () => {
    const [ana, bea] = await Promise.all([generateX25519KeyPair(), generateX25519KeyPair()]);
    const boxed = await boxBetween(text, ana, bea.publicKey, directMessageContext('ana', 'bea'));
    await expect(openBetween(boxed, bea, ana.publicKey, directMessageContext('ana', 'cem'))).rejects.toBeInstanceOf(E2eeError);
    const flipped = boxed.slice();
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    await expect(openBetween(flipped, bea, ana.publicKey, directMessageContext('ana', 'bea'))).rejects.toBeInstanceOf(E2eeError);
    await expect(openBetween(boxed.subarray(0, 20), bea, ana.publicKey, directMessageContext('ana', 'bea'))).rejects.toBeInstanceOf(E2eeError);
  });
});
