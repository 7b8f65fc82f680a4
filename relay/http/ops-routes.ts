import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_QUALITY_REPORT_BYTES, parseQualityReport, QualityReportError } from '../../src/protocol/quality-report';
import type { RelayAnalytics } from '../analytics/relay-analytics';
import type { IpRateLimiter } from './ip-rate-limiter';
import type { OriginPolicy } from './origin-policy';
import { sendJson, sendText } from './response-headers';

export const STATS_PATHS = { stats: '/stats', metrics: '/metrics' } as const;
export const REPORT_PATH = '/report';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface StatsRouteDeps {
  analytics: RelayAnalytics;
  /** `STATS_TOKEN`: when set, `Authorization: Bearer <token>` is required. */
  token: string | null;
}

/** Serves `/stats` and `/metrics`; returns false for any other path. */
export function handleStatsRequest(deps: StatsRouteDeps, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname !== STATS_PATHS.stats && pathname !== STATS_PATHS.metrics) return false;
  const method = req.method ?? 'GET';
  const head = method === 'HEAD';
  res.setHeader('Cache-Control', 'no-store');
  if (method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
    return true;
  }
  if (deps.token !== null && !bearerMatches(req.headers.authorization, deps.token)) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="lunar-stats"');
    sendText(res, 401, 'text/plain; charset=utf-8', 'unauthorized', head);
    return true;
  }
  if (pathname === STATS_PATHS.stats) sendJson(res, 200, deps.analytics.document(), head);
  else sendText(res, 200, PROMETHEUS_CONTENT_TYPE, deps.analytics.metrics(), head);
  return true;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timing. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1]);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

export interface ReportRouteDeps {
  analytics: RelayAnalytics;
  enabled: boolean;
  origins: OriginPolicy;
  limiter: IpRateLimiter;
}

/**
 * `POST /report`: one anonymous quality report (see src/protocol/quality-report.ts). The
 * body is validated, folded into aggregates and dropped; nothing about the request is kept
 * except a rate-limit bucket keyed by address.
 */
export async function handleReportRequest(deps: ReportRouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const cors = deps.origins.corsOrigin(req);
  if (cors !== null) {
    res.setHeader('Access-Control-Allow-Origin', cors);
    if (cors !== '*') res.setHeader('Vary', 'Origin');
  }
  res.setHeader('Cache-Control', 'no-store');
  const method = req.method ?? 'GET';
  if (!deps.enabled) {
    req.resume();
    sendText(res, 404, 'text/plain; charset=utf-8', 'quality reports are disabled');
    return;
  }
  if (!deps.origins.allows(req)) {
    req.resume();
    sendText(res, 403, 'text/plain; charset=utf-8', 'origin not allowed');
    return;
  }
  if (method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '86400');
    res.statusCode = 204;
    res.end();
    return;
  }
  if (method !== 'POST') {
    req.resume();
    res.setHeader('Allow', 'POST, OPTIONS');
    sendText(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
    return;
  }
  if (!deps.limiter.take(req.socket.remoteAddress ?? 'unknown')) {
    req.resume();
    res.setHeader('Retry-After', '60');
    sendText(res, 429, 'text/plain; charset=utf-8', 'too many reports');
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && type !== 'text/plain') {
    req.resume();
    sendText(res, 415, 'text/plain; charset=utf-8', 'send application/json');
    return;
  }
  const body = await readBody(req, MAX_QUALITY_REPORT_BYTES);
  if (body === null) {
    sendText(res, 413, 'text/plain; charset=utf-8', 'report too large');
    return;
  }
  try {
    deps.analytics.quality.add(parseQualityReport(JSON.parse(body)));
  } catch (err) {
    deps.analytics.quality.reject();
    const code = err instanceof QualityReportError ? err.code : 'bad-json';
    sendJson(res, 400, { error: code });
    return;
  }
  res.statusCode = 204;
  res.end();
}

/** Reads at most `limit` bytes; null (and the connection closed after the reply) when over. */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: string | null): void => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        finish(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => finish(null));
  });
}
