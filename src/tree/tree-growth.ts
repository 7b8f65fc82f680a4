import type { BundleTree } from './bundle-tree';

/**
 * Growing a bundle tree happens in two stages so that bundles do not starve each other: every
 * bundle first takes what is its own (its forwarders' capacity, or its previous edges), and only
 * then do the bundles place the rest with whatever capacity is left anywhere.
 */
export interface TreeGrowth {
  readonly tree: BundleTree;
  start(): void;
  finish(): void;
}
