/**
 * E2eeController over a real Comlink link to a real E2eeWorkerCore (a MessageChannel stands
 * in for the Worker); only the browser's RTCRtpScriptTransform constructor is stubbed.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { E2eeController } from '../../../src/e2ee/e2ee-controller';
import { randomKey } from '../../../src/e2ee/room-keys';
import { E2eeWorkerCore } from '../../../src/e2ee/worker-core';
import { SECRET } from './frames';

function connect(options: { bypassEncryption?: boolean } = {}) {
  const { port1, port2 } = new MessageChannel();
  const core = new E2eeWorkerCore();
  Comlink.expose(core.api, port2 as unknown as Comlink.Endpoint);
  port2.start();
  port1.start();
  const terminate = vi.fn(() => {
    port1.close();
    port2.close();
  });
  const fakeWorker = Object.assign(port1, { terminate }) as unknown as Worker;
  const controller = new E2eeController({ ...options, createWorker: () => fakeWorker });
  return { controller, core, terminate, fakeWorker };
}

class FakeScriptTransform {
  static created: FakeScriptTransform[] = [];
  constructor(
    readonly worker: Worker,
    readonly options: unknown,
  ) {
    FakeScriptTransform.created.push(this);
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeScriptTransform.created = [];
});

describe('E2eeController', () => {
  it('forwards key calls to the worker in order and surfaces error codes', async () => {
    const { controller, core } = connect();
    await controller.setRoomSecret(SECRET);
    await expect(controller.setRoomSecret('nope')).rejects.toMatchObject({ name: 'E2eeError', code: 'invalid-key' });
    await controller.setRoomSecret(SECRET);
    const k1 = randomKey();
    const k2 = randomKey();
    // Fired without awaiting: they must still apply in call order.
    const calls = [controller.setEpoch(1, k1), controller.setEpoch(2, k2)];
    await Promise.all(calls);
    expect(core.cryptor.currentEpoch).toBe(2);
    await expect(controller.setEpoch(1, k1)).rejects.toMatchObject({ code: 'epoch-order' });
    expect(await controller.counters()).toEqual({});
    controller.dispose();
  });

  it('attaches script transforms with sender/receiver options', () => {
    vi.stubGlobal('RTCRtpScriptTransform', FakeScriptTransform);
    const { controller, fakeWorker } = connect();
    const sender = { transform: null } as unknown as RTCRtpSender;
    const receiver = { transform: null } as unknown as RTCRtpReceiver;
    controller.attachSender(sender, 'video', 'me');
    controller.attachReceiver(receiver, 'audio', 'them');
    expect(sender.transform).toBeInstanceOf(FakeScriptTransform);
    expect(FakeScriptTransform.created.map((t) => [t.worker, t.options])).toEqual([
      [fakeWorker, { operation: 'encrypt', kind: 'video', participantId: 'me' }],
      [fakeWorker, { operation: 'decrypt', kind: 'audio', participantId: 'them' }],
    ]);
    controller.dispose();
  });

  it('passes the bypass test hook to senders only', () => {
    vi.stubGlobal('RTCRtpScriptTransform', FakeScriptTransform);
    const { controller } = connect({ bypassEncryption: true });
    controller.attachSender({ transform: null } as unknown as RTCRtpSender, 'audio', 'me');
    controller.attachReceiver({ transform: null } as unknown as RTCRtpReceiver, 'audio', 'them');
    expect(FakeScriptTransform.created.map((t) => t.options)).toEqual([
      { operation: 'encrypt', kind: 'audio', participantId: 'me', bypassEncryption: true },
      { operation: 'decrypt', kind: 'audio', participantId: 'them' },
    ]);
    controller.dispose();
  });

  it('fails closed when the browser has no encoded transform API', () => {
    const { controller } = connect();
    expect(E2eeController.isSupported()).toBe(false);
    expect(() => controller.attachSender({ transform: null } as unknown as RTCRtpSender, 'video', 'me')).toThrowError(
      expect.objectContaining({ code: 'unsupported' }),
    );
    controller.dispose();
  });

  it('dispose terminates the worker once', () => {
    const { controller, terminate } = connect();
    controller.dispose();
    controller.dispose();
    expect(terminate).toHaveBeenCalledTimes(1);
  });
});
