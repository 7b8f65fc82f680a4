/** Resource limits of the TURN server: what one user, one allocation and the whole server may hold. */
export interface TurnQuotas {
  /** Allocations alive at once, server-wide (486 beyond). */
  maxAllocations: number;
  /** Allocations alive at once per REST username (486 beyond). */
  maxAllocationsPerUser: number;
  /** Relayed bytes per second per allocation, both directions together; 0 = unlimited. */
  bytesPerSecond: number;
  /** Distinct peer IPs one allocation may hold permissions for (508 beyond). */
  maxPermissionsPerAllocation: number;
}

export const DEFAULT_QUOTAS: TurnQuotas = {
  maxAllocations: 1000,
  // A browser in a 6-person mesh holds ~2 per peer connection (UDP + TCP URIs), plus ICE restarts.
  maxAllocationsPerUser: 32,
  bytesPerSecond: 5_000_000,
  maxPermissionsPerAllocation: 64,
};
