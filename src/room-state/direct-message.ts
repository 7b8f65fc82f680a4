/**
 * Private chat. A direct message never enters the shared doc (everyone holds a copy of
 * that): it travels on the pairwise, DTLS-protected control channel between the two peers,
 * as `{t:'dm', id, text, at}` — the call engine adds it to its control messages. This file
 * is the message type, its validation and a pure store of conversations.
 */
import { Emitter } from '../util/emitter';
import type { Unsubscribe } from '../util/emitter';
import { isBoundedString, isRecord, isTimestamp, isToken, newId } from './doc-values';
import { ROOM_LIMITS } from './room-limits';
import { RoomStateError } from './room-state-error';

export interface DirectMessage {
  t: 'dm';
  id: string;
  text: string;
  at: number;
}

export function parseDirectMessage(v: unknown): DirectMessage {
  if (!isRecord(v) || v.t !== 'dm') throw new RoomStateError('invalid-message', 'not a direct message');
  const { id, text, at } = v;
  if (!isToken(id, ROOM_LIMITS.idChars) || !isBoundedString(text, ROOM_LIMITS.chatTextChars) || !isTimestamp(at)) {
    throw new RoomStateError('invalid-message', 'direct message has an invalid id, text or time');
  }
  return { t: 'dm', id, text, at };
}

export function createDirectMessage(text: string, at: number = Date.now()): DirectMessage {
  if (text.trim() === '' || text.length > ROOM_LIMITS.chatTextChars) {
    throw new RoomStateError('invalid-input', `message must be 1–${ROOM_LIMITS.chatTextChars} characters`);
  }
  return { t: 'dm', id: newId(), text, at };
}

export interface StoredDirectMessage extends DirectMessage {
  direction: 'in' | 'out';
}

interface Conversation {
  messages: StoredDirectMessage[];
  unread: number;
}

/** Conversations by peer id, in memory only (nothing is written to disk, by design). */
export class DirectMessageStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly events = new Emitter<{ change: { peerId: string } }>();

  constructor(private readonly maxPerPeer: number = ROOM_LIMITS.chatHistory) {}

  /** Adds a message; a repeated id (a resend) is ignored. Returns whether it was new. */
  add(peerId: string, message: DirectMessage, direction: 'in' | 'out'): boolean {
    let conversation = this.conversations.get(peerId);
    if (!conversation) {
      conversation = { messages: [], unread: 0 };
      this.conversations.set(peerId, conversation);
    }
    if (conversation.messages.some((m) => m.id === message.id)) return false;
    conversation.messages.push({ ...message, direction });
    if (conversation.messages.length > this.maxPerPeer) conversation.messages.splice(0, conversation.messages.length - this.maxPerPeer);
    if (direction === 'in') conversation.unread++;
    this.events.emit('change', { peerId });
    return true;
  }

  messages(peerId: string): readonly StoredDirectMessage[] {
    return this.conversations.get(peerId)?.messages ?? [];
  }

  unread(peerId: string): number {
    return this.conversations.get(peerId)?.unread ?? 0;
  }

  totalUnread(): number {
    let total = 0;
    for (const c of this.conversations.values()) total += c.unread;
    return total;
  }

  markRead(peerId: string): void {
    const conversation = this.conversations.get(peerId);
    if (!conversation || conversation.unread === 0) return;
    conversation.unread = 0;
    this.events.emit('change', { peerId });
  }

  /** Drops a conversation (the peer left and the UI closed it). */
  forget(peerId: string): void {
    if (this.conversations.delete(peerId)) this.events.emit('change', { peerId });
  }

  onChange(listener: (event: { peerId: string }) => void): Unsubscribe {
    return this.events.on('change', listener);
  }
}
