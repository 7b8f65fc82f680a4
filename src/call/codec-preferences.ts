/**
 * Video codec order: VP8 first. End-to-end encryption (SFrame) needs a codec whose
 * payload descriptor we can leave in the clear (VP8/VP9); VP8 is decoded everywhere and
 * cheapest on small machines. Repair codecs (rtx/red/ulpfec) stay in the list.
 */
export interface CodecLike {
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}

export function preferVideoCodecs<C extends CodecLike>(codecs: readonly C[], order: readonly string[] = ['video/VP8', 'video/VP9']): C[] {
  const repair = new Set(['video/rtx', 'video/red', 'video/ulpfec', 'video/flexfec-03']);
  const lower = (c: C) => c.mimeType.toLowerCase();
  const preferred: C[] = [];
  for (const mime of order) preferred.push(...codecs.filter((c) => lower(c) === mime.toLowerCase()));
  const rest = codecs.filter((c) => repair.has(lower(c)));
  return [...preferred, ...rest];
}
