/**
 * The presence channel's reply topic: a newcomer listens on `<topic>.<its id>` too, and members
 * answer it there, so one join costs the relay one delivery per member, not one per pair.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PresenceChannel, replyTopic } from '../../../src/signaling/presence-channel';
import type { JsonSocket, SocketStatus } from '../../../src/signaling/reconnecting-socket';
import { Emitter } from '../../../src/util/emitter';

class FakeSocket implements JsonSocket {
  status: SocketStatus = 'connecting';
  readonly sent: unknown[] = [];
  private readonly events = new Emitter<{ message: unknown; status: SocketStatus }>();
  send(message: unknown): boolean {
    this.sent.push(message);
    return true;
  }
  onMessage(l: (m: unknown) => void) {
    return this.events.on('message', l);
  }
  onStatus(l: (s: SocketStatus) => void) {
    return this.events.on('status', l);
  }
  close(): void {}
  open(): void {
    this.status = 'open';
    this.events.emit('status', 'open');
  }
  deliver(m: unknown): void {
    this.events.emit('message', m);
  }
}

const channels: PresenceChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => c.close()));

function channel(replyId?: string): { ch: PresenceChannel; socket: FakeSocket } {
  const socket = new FakeSocket();
  const ch = new PresenceChannel('http://127.0.0.1:1', 'room', () => socket, undefined, replyId);
  channels.push(ch);
  return { ch, socket };
}

describe('PresenceChannel reply topic', () => {
  it('subscribes to the room topic and its own reply topic, and hears both', () => {
    const { ch, socket } = channel('me');
    const got: unknown[] = [];
    ch.on('message', (m) => got.push(m));
    socket.open();
    expect(socket.sent[0]).toEqual({ type: 'subscribe', topics: ['room', 'room.me'] });
    socket.deliver({ type: 'publish', topic: 'room', data: 1 });
    socket.deliver({ type: 'publish', topic: replyTopic('room', 'me'), data: 2 });
    socket.deliver({ type: 'publish', topic: 'room.someone-else', data: 3 });
    socket.deliver({ type: 'publish', topic: 'other', data: 4 });
    expect(got).toEqual([1, 2]);
  });

  it('answers one member on its reply topic', () => {
    const { ch, socket } = channel('me');
    socket.open();
    ch.publishTo('newcomer', { hello: true });
    expect(socket.sent.at(-1)).toEqual({ type: 'publish', topic: 'room.newcomer', data: { hello: true } });
  });

  it('without a reply id (the lobby) listens on the room topic alone', () => {
    const { socket } = channel();
    socket.open();
    expect(socket.sent[0]).toEqual({ type: 'subscribe', topics: ['room'] });
  });
});
