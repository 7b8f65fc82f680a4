import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RUNTIME_CONFIG_VERSION } from '../../src/protocol/runtime-config';
import type { RuntimeConfig } from '../../src/protocol/runtime-config';
import type { RelayOptions } from '../options';
import { PEERJS_KEY } from '../peerjs/peerjs-messages';
import { sendJson, sendText } from './response-headers';
import { serveStatic } from './static-files';

/** Built per request so `iceServersFor` can hand out fresh TURN credentials. */
export function runtimeConfigFor(options: RelayOptions): RuntimeConfig {
  return {
    version: RUNTIME_CONFIG_VERSION,
    relayUrl: null,
    iceServers: options.iceServersFor ? options.iceServersFor() : options.iceServers,
    maxMeshParticipants: options.maxMeshParticipants,
    features: { e2ee: options.e2ee, qualityReports: options.qualityReports },
  };
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Plain HTTP: health, runtime config, PeerJS id issuing and the static app. Nothing here
 * logs request URLs: query strings may carry ids, and room secrets must never be near a log.
 */
export function createHttpHandler(options: RelayOptions): HttpHandler {
  return (req, res) => {
    handle(options, req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'text/plain; charset=utf-8', 'internal error');
      else res.destroy();
    });
  };
}

async function handle(options: RelayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
    return;
  }
  const head = method === 'HEAD';
  let pathname: string;
  try {
    pathname = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
  } catch {
    sendText(res, 400, 'text/plain; charset=utf-8', 'bad request', head);
    return;
  }
  switch (pathname) {
    case '/healthz':
      res.setHeader('Cache-Control', 'no-store');
      sendJson(res, 200, { ok: true }, head);
      return;
    case '/config.json':
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', 'no-store');
      sendJson(res, 200, runtimeConfigFor(options), head);
      return;
    case `/${PEERJS_KEY}/id`:
      // The unmodified PeerJS client asks for an id when it was not given one.
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cache-Control', 'no-store');
      sendText(res, 200, 'text/plain; charset=utf-8', randomUUID(), head);
      return;
    default:
      await serveStatic(req, res, options.staticDir, pathname);
  }
}
