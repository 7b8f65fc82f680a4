/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** Build-time relay URL for CDN deployments without a config.json (see README). */
  readonly VITE_RELAY_URL?: string;
}
