/**
 * Relay ports held by EVEN-PORT with the R bit (RFC 8656 §7.2, RTP/RTCP pairs): the odd port
 * after an even allocation, kept for 30 s under an 8-byte RESERVATION-TOKEN that a second
 * Allocate claims. Bounded by the allocation quota (the core counts them as pending).
 */
import { randomBytes } from 'node:crypto';
import type { RelaySocket } from './allocation';

export const RESERVATION_MS = 30_000;

export class Reservations {
  private readonly held = new Map<string, { relay: RelaySocket; expiresAt: number }>();
  private closed = false;

  /** Holds `relay`; returns its token. */
  reserve(relay: RelaySocket, now: number): Uint8Array {
    const token = randomBytes(8);
    if (this.closed) relay.close();
    else this.held.set(Buffer.from(token).toString('hex'), { relay, expiresAt: now + RESERVATION_MS });
    return token;
  }

  /** Takes the socket reserved under `token`, if it is still held. */
  claim(token: Uint8Array, now: number): RelaySocket | undefined {
    const key = Buffer.from(token).toString('hex');
    const r = this.held.get(key);
    if (!r) return undefined;
    this.held.delete(key);
    if (r.expiresAt > now) return r.relay;
    r.relay.close();
    return undefined;
  }

  sweep(now: number): void {
    for (const [token, r] of this.held) {
      if (r.expiresAt > now) continue;
      this.held.delete(token);
      r.relay.close();
    }
  }

  close(): void {
    this.closed = true;
    for (const r of this.held.values()) r.relay.close();
    this.held.clear();
  }

  get size(): number {
    return this.held.size;
  }
}
