import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RUNTIME_CONFIG_VERSION } from '../../src/protocol/runtime-config';
import type { RuntimeConfig } from '../../src/protocol/runtime-config';
import type { RelayAnalytics } from '../analytics/relay-analytics';
import type { RelayOptions } from '../options';
import { PEERJS_KEY } from '../peerjs/peerjs-messages';
import type { IpRateLimiter } from './ip-rate-limiter';
import { handleReportRequest, handleStatsRequest, REPORT_PATH } from './ops-routes';
import type { OriginPolicy } from './origin-policy';
import { sendJson, sendText } from './response-headers';
import { serveStatic } from './static-files';

/** Built per request so `iceServersFor` can hand out fresh TURN credentials. */
export function runtimeConfigFor(options: RelayOptions, req?: IncomingMessage): RuntimeConfig {
  return {
    version: RUNTIME_CONFIG_VERSION,
    relayUrl: null,
    iceServers: options.iceServersFor ? options.iceServersFor({ hostname: requestHostname(req) }) : options.iceServers,
    maxMeshParticipants: options.maxMeshParticipants,
    maxParticipants: options.maxParticipants,
    features: { e2ee: options.e2ee, qualityReports: options.qualityReports },
  };
}

/** The host name the client used to reach us (for TURN URIs on the same host); no port. */
function requestHostname(req?: IncomingMessage): string {
  const host = req?.headers.host ?? '';
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.exec(host);
  return m?.[1]?.replace(/^\[|\]$/g, '') ?? 'localhost';
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Operational endpoints; absent in tests that only exercise the static app. */
export interface HttpExtras {
  analytics: RelayAnalytics;
  origins: OriginPolicy;
  reportLimiter: IpRateLimiter;
  /** False when `STATS_PORT` moves `/stats` and `/metrics` to their own listener. */
  serveStats: boolean;
  statsToken: string | null;
}

/**
 * Plain HTTP: health, runtime config, PeerJS id issuing and the static app. Nothing here
 * logs request URLs: query strings may carry ids, and room secrets must never be near a log.
 */
export function createHttpHandler(options: RelayOptions, extras?: HttpExtras): HttpHandler {
  return (req, res) => {
    handle(options, extras, req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'text/plain; charset=utf-8', 'internal error');
      else res.destroy();
    });
  };
}

async function handle(options: RelayOptions, extras: HttpExtras | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (extras && req.url?.split('?')[0] === REPORT_PATH) {
    await handleReportRequest(
      { analytics: extras.analytics, enabled: options.qualityReports, origins: extras.origins, limiter: extras.reportLimiter },
      req,
      res,
    );
    return;
  }
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
  if (extras?.serveStats && handleStatsRequest({ analytics: extras.analytics, token: extras.statsToken }, req, res, pathname)) return;
  switch (pathname) {
    case '/healthz':
      res.setHeader('Cache-Control', 'no-store');
      sendJson(res, 200, { ok: true }, head);
      return;
    case '/config.json': {
      res.setHeader('Cache-Control', 'no-store');
      const cors = extras ? extras.origins.corsOrigin(req) : '*';
      if (cors !== null) res.setHeader('Access-Control-Allow-Origin', cors);
      if (cors !== '*') res.setHeader('Vary', 'Origin');
      if (extras && !extras.origins.allows(req)) {
        sendText(res, 403, 'text/plain; charset=utf-8', 'origin not allowed', head);
        return;
      }
      sendJson(res, 200, runtimeConfigFor(options, req), head);
      return;
    }
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
