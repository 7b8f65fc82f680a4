import type { ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // wasm-unsafe-eval: RNNoise (noise suppression) compiles WebAssembly; it allows wasm only, not eval().
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss: http: https:",
  "worker-src 'self' blob:",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Headers every response carries. `no-referrer` matters beyond hygiene: it keeps a page's
 * URL out of requests the app makes (room secrets live in the fragment, but belt and braces).
 */
export function setBaseHeaders(res: ServerResponse, contentType: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Type', contentType);
  if (contentType.startsWith('text/html')) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
}

export function sendText(res: ServerResponse, status: number, contentType: string, body: string, head = false): void {
  setBaseHeaders(res, contentType);
  res.statusCode = status;
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, head = false): void {
  sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(value), head);
}
