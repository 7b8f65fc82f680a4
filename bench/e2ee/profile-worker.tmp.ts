import { FrameCryptor } from '../../src/e2ee/frame-cryptor';
import { SFrameKey } from '../../src/e2ee/sframe-key';
import { createAead } from '../../src/e2ee/sframe-aead';
import { cipherSuite } from '../../src/e2ee/cipher-suite';
declare const self: { onmessage: ((e: { data: { sizes: number[]; rounds: number; budgetMs: number } }) => void) | null; postMessage(m: unknown): void };
const VIDEO = { kind: 'video', codec: 'vp8' } as const;
function median(xs: number[]) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; }
async function timePerFrame(n: number, step: () => Promise<void>) { const t = performance.now(); for (let i = 0; i < n; i++) await step(); return ((performance.now() - t) * 1000) / n; }
async function run(req: { sizes: number[]; rounds: number; budgetMs: number }) {
  const sender = new FrameCryptor({ localId: 'alice' });
  const receiver = new FrameCryptor({ localId: 'bob' });
  sender.setRoomSecret('q83vEjRWeJq83vEjRWeJqw'); receiver.setRoomSecret('q83vEjRWeJq83vEjRWeJqw');
  const kb = crypto.getRandomValues(new Uint8Array(16));
  const k1 = await crypto.subtle.importKey('raw', kb, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const k2 = await crypto.subtle.importKey('raw', kb, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const suite = cipherSuite(4);
  const aead = await createAead(suite, kb);
  const skey = await SFrameKey.fromBaseKey(4, 1234567n, crypto.getRandomValues(new Uint8Array(32)));
  const iv = new Uint8Array(12); let c = 0;
  const nextIv = () => { new DataView(iv.buffer).setUint32(8, c++); return iv; };
  const aad = new Uint8Array(11);
  let sctr = 0n; let tt = 0;
  const pre = new Uint8Array(70000);
  const variants: Record<string, (f: Uint8Array<ArrayBuffer>) => Promise<void>> = {
    raw: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = await crypto.subtle.encrypt(p, k1, f); await crypto.subtle.decrypt(p, k1, s); },
    raw2keys: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = await crypto.subtle.encrypt(p, k1, f); await crypto.subtle.decrypt(p, k2, s); },
    rawAad: async (f) => { const p = { name: 'AES-GCM', iv: nextIv(), additionalData: aad, tagLength: 128 }; const s = await crypto.subtle.encrypt(p, k1, f); await crypto.subtle.decrypt(p, k1, s); },
    rawViews: async (f) => { const p = { name: 'AES-GCM', iv: nextIv(), additionalData: aad }; const s = new Uint8Array(await crypto.subtle.encrypt(p, k1, f.subarray(3)));
      const o = new Uint8Array(s.length + 14); o.set(s, 14); const d = new Uint8Array(await crypto.subtle.decrypt(p, k1, o.subarray(14))); const o2 = new Uint8Array(d.length + 3); o2.set(d, 3); },
    encFresh: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = new Uint8Array(await crypto.subtle.encrypt(p, k1, f.subarray(3)));
      const o = new Uint8Array(s.length + 13); o.set(f.subarray(0, 3)); o.set(s, 13); await crypto.subtle.decrypt(p, k1, s); },
    encTransfer: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const b = await crypto.subtle.encrypt(p, k1, f.subarray(3)); const n = b.byteLength;
      const o = new Uint8Array(b.transfer(n + 13)); o.copyWithin(13, 0, n); o.set(f.subarray(0, 3)); await crypto.subtle.decrypt(p, k1, o.subarray(13)); },
    decFresh: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = await crypto.subtle.encrypt(p, k1, f.subarray(3));
      const d = new Uint8Array(await crypto.subtle.decrypt(p, k1, s)); const o = new Uint8Array(d.length + 3); o.set(f.subarray(0, 3)); o.set(d, 3); },
    decTransfer: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = await crypto.subtle.encrypt(p, k1, f.subarray(3));
      const d = await crypto.subtle.decrypt(p, k1, s); const n = d.byteLength; const o = new Uint8Array(d.transfer(n + 3)); o.copyWithin(3, 0, n); o.set(f.subarray(0, 3)); },
    decInPlace: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = await crypto.subtle.encrypt(p, k1, f.subarray(3)); const inp = new Uint8Array(s.byteLength + 13); inp.set(new Uint8Array(s), 13);
      const d = new Uint8Array(await crypto.subtle.decrypt(p, k1, inp.subarray(13))); const t0 = performance.now(); inp.set(d, 3); const o = inp.buffer.transfer(d.length + 3); tt += performance.now() - t0; if (o.byteLength !== d.length + 3) throw new Error('x'); },
    decBaseline: async (f) => { const p = { name: 'AES-GCM', iv: nextIv() }; const s = await crypto.subtle.encrypt(p, k1, f.subarray(3)); const inp = new Uint8Array(s.byteLength + 13); inp.set(new Uint8Array(s), 13);
      await crypto.subtle.decrypt(p, k1, inp.subarray(13)); },
  };
  const out: Record<string, unknown>[] = [];
  for (const size of req.sizes) {
    const f = crypto.getRandomValues(new Uint8Array(size)); f[0] = 0x31;
    const probe = await timePerFrame(50, () => variants.raw!(f));
    const n = Math.max(50, Math.round((req.budgetMs * 1000) / probe));
    for (const v of Object.values(variants)) await timePerFrame(n / 4, () => v(f));
    const samples: Record<string, number[]> = {};
    const names = Object.keys(variants);
    for (let r = 0; r < req.rounds; r++) for (let i = 0; i < names.length; i++) { const name = names[(i + r) % names.length]!; (samples[name] ??= []).push(await timePerFrame(n, () => variants[name]!(f))); }
    const row: Record<string, unknown> = { size };
    for (const name of names) row[name] = median(samples[name]!).toFixed(1);
    out.push(row);
  }
  return out;
}
self.onmessage = (e) => { run(e.data).then((rows) => self.postMessage({ ok: true, rows }), (err: unknown) => self.postMessage({ ok: false, error: String(err) })); };
