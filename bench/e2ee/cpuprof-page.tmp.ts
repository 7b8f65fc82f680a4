import { FrameCryptor } from '../../src/e2ee/frame-cryptor';
const sender = new FrameCryptor({ localId: 'alice' }); const receiver = new FrameCryptor({ localId: 'bob' });
sender.setRoomSecret('q83vEjRWeJq83vEjRWeJqw'); receiver.setRoomSecret('q83vEjRWeJq83vEjRWeJqw');
const VIDEO = { kind: 'video', codec: 'vp8' } as const;
(window as any).runProf = async (size: number, n: number) => {
  const f = crypto.getRandomValues(new Uint8Array(size)); f[0] = 0x31;
  const t = performance.now();
  for (let i = 0; i < n; i++) { const e = await sender.encrypt(f, VIDEO); const r = await receiver.decrypt(e, { ...VIDEO, senderId: 'alice' }); if (!r.ok) throw new Error(r.code); }
  return ((performance.now() - t) * 1000) / n;
};
const kb = crypto.getRandomValues(new Uint8Array(16));
const kp = crypto.subtle.importKey('raw', kb, 'AES-GCM', false, ['encrypt', 'decrypt']);
(window as any).runRaw = async (size: number, n: number) => {
  const k = await kp; const iv = new Uint8Array(12); const f = crypto.getRandomValues(new Uint8Array(size));
  const t = performance.now();
  for (let i = 0; i < n; i++) { new DataView(iv.buffer).setUint32(8, i); const p = { name: 'AES-GCM', iv }; const s = await crypto.subtle.encrypt(p, k, f); await crypto.subtle.decrypt(p, k, s); }
  return ((performance.now() - t) * 1000) / n;
};
