/** One member as `/api/v2/status` shows it. */
export interface PeerStatus {
  readonly name: string;
  readonly address: string;
}

/** Upstream's `clusterStatus`. */
export interface ClusterStatus {
  readonly name?: string;
  readonly status: 'ready' | 'settling' | 'disabled';
  readonly peers: PeerStatus[];
}

/**
 * What the dispatcher and the API need from clustering (upstream `cluster.ClusterPeer`
 * plus settling): this replica's place among the live members, sorted by name.
 */
export interface ClusterPeer {
  readonly name: string;
  /** This replica's index among the live members sorted by name (0 sends first). */
  position(): number;
  /** Resolves once the peer has settled (the GossipSettle stage waits for it). */
  settled(): Promise<void>;
  status(): ClusterStatus;
}

/** The status of a replica without clustering. */
export const DISABLED_CLUSTER: ClusterStatus = { status: 'disabled', peers: [] };
