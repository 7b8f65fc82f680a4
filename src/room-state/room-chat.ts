/** Group chat in the room doc: send, read (validated), bounded history. */
import type * as Y from 'yjs';
import { isBoundedString, isRecord, isTimestamp, isToken, newId, safeRead } from './doc-values';
import { chatArray, tail, trimOldest } from './doc-layout';
import { ROOM_LIMITS } from './room-limits';
import { RoomStateError } from './room-state-error';

export interface ChatMessage {
  id: string;
  /** Sender's mesh peer id, as claimed by the writer (members can only be told apart by the mesh). */
  from: string;
  name: string;
  text: string;
  /** Sender's clock, ms since the epoch. Display only; order is the doc's. */
  at: number;
}

export interface ChatDraft {
  from: string;
  name: string;
  text: string;
  at?: number;
}

export function parseChatMessage(v: unknown): ChatMessage | null {
  if (!isRecord(v)) return null;
  const { id, from, name, text, at } = v;
  if (!isToken(id, ROOM_LIMITS.idChars) || !isToken(from) || !isBoundedString(name, ROOM_LIMITS.nameChars)) return null;
  if (!isBoundedString(text, ROOM_LIMITS.chatTextChars) || !isTimestamp(at)) return null;
  return { id, from, name, text, at };
}

export function sendChat(doc: Y.Doc, draft: ChatDraft): ChatMessage {
  const message = parseChatMessage({ id: newId(), ...draft, at: draft.at ?? Date.now() });
  if (!message || message.text.trim() === '') {
    throw new RoomStateError('invalid-input', `chat message must be 1–${ROOM_LIMITS.chatTextChars} characters from a valid sender`);
  }
  const array = chatArray(doc);
  doc.transact(() => {
    array.push([message]);
    trimOldest(array, ROOM_LIMITS.chatHistory);
  });
  return message;
}

/** Valid messages in doc order (the same on every peer), at most the history cap, ids unique. */
export function readChat(doc: Y.Doc): ChatMessage[] {
  return safeRead(() => {
    const seen = new Set<string>();
    const out: ChatMessage[] = [];
    // Scan a bounded tail: garbage entries cannot make a reader walk an unbounded array.
    for (const raw of tail(chatArray(doc), ROOM_LIMITS.chatHistory * 4)) {
      const message = parseChatMessage(raw);
      if (!message || seen.has(message.id)) continue;
      seen.add(message.id);
      out.push(message);
    }
    return out.slice(-ROOM_LIMITS.chatHistory);
  }, []);
}

/** Messages after the last one the user saw (all of them when that one is gone). */
export function unreadCount(messages: readonly ChatMessage[], lastSeenId: string | null, selfId: string): number {
  const index = lastSeenId === null ? -1 : messages.findIndex((m) => m.id === lastSeenId);
  return messages.slice(index + 1).filter((m) => m.from !== selfId).length;
}
