import type { RelayError } from './errors';
import type { RouteName } from './stats';

/**
 * What a route handler sees of a client socket. Real sockets are wrapped by
 * `guardSocket`; tests drive handlers with in-memory fakes of the same shape.
 */
export interface Connection {
  /** Serialises and sends; dropped silently once the connection is closing. */
  send(message: object): void;
  /** Sends pre-serialised JSON (fan-out serialises once for all receivers). */
  sendText(text: string): void;
  close(code?: number, reason?: string): void;
  readonly isOpen: boolean;
}

/** Per-connection protocol state, created by a route when it accepts a connection. */
export interface ConnectionHandler {
  /**
   * Gets parsed JSON of unknown shape; throws RelayError on invalid input. `text` is the
   * exact JSON it was parsed from, for routes that forward a validated message unchanged.
   */
  onMessage(value: unknown, text?: string): void;
  onClose(): void;
}

/**
 * What the upgrade was authorised for. With token auth off, or a token whose `room`
 * claim is `*`, every topic is allowed; otherwise only the one (hashed) room topic.
 */
export interface AccessGrant {
  room: string;
}

export const ANY_ROOM: AccessGrant = Object.freeze({ room: '*' });

export interface Route {
  readonly name: RouteName;
  /** The route's own wire shape for errors (PeerJS and y-webrtc differ). */
  formatError(err: RelayError): object;
  /**
   * Registers a new connection. Throws RelayError to refuse it: the guard then replies in
   * `formatError`'s shape and closes the socket.
   */
  accept(conn: Connection, params: URLSearchParams, grant?: AccessGrant): ConnectionHandler;
  /** Releases timers; connections are closed by the server. */
  dispose(): void;
}
