/** The large-room planner: pure, deterministic, no DOM and no I/O. */
export { planTree, replanTree } from './plan-tree';
export { measurePlan, planStability } from './plan-metrics';
export type { PlanMetrics, PlanStability } from './plan-metrics';
export { TreeError } from './tree-error';
export type { TreeErrorCode } from './tree-error';
export { DEFAULT_TREE_BITRATES, DEFAULT_TREE_LIMITS, TREE_PLAN_VERSION } from './tree-types';
export type {
  PeerLink,
  PeerPlan,
  PlannedBundle,
  PlannedEdge,
  PlannedStream,
  StreamKind,
  StreamLayer,
  TreeBitrates,
  TreeLimits,
  TreeMemberInput,
  TreePlan,
  TreeState,
} from './tree-types';
