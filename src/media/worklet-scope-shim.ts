/**
 * The RNNoise build checks `typeof window == "object" || typeof WorkerGlobalScope` and refuses
 * to start otherwise, but an AudioWorkletGlobalScope is neither. It uses nothing from `window`
 * (the wasm is inlined, no fetch), so pointing `window` at the worklet scope is enough.
 * Imported first by the worklet entry, so it runs before the RNNoise module is evaluated.
 */
const scope = globalThis as { window?: unknown };
if (typeof scope.window !== 'object') scope.window = globalThis;
export {};
