/** What the cluster layer reports (metrics, logs). Every method is optional and must not throw. */
export interface ClusterObserver {
  /** A bus message from another node arrived, `lagMs` after it was sent. */
  busMessage?(event: { kind: 'update' | 'awareness' | 'deleted'; lagMs: number }): void;
  /** A catch-up read from the store ran; `repairedRows` of it had not arrived over the bus. */
  catchUp?(event: { docName: string; reason: CatchUpReason; repairedRows: number }): void;
  /** Reading from the store for a catch-up or a head check failed. */
  repairFailed?(event: { docName: string | null; cause: unknown }): void;
  busConnection?(event: { up: boolean }): void;
  /** A node stopped renewing its heartbeat; `states` of its clients' presence were removed here. */
  peerGone?(event: { node: string; states: number }): void;
}

export type CatchUpReason = 'gap' | 'head-check' | 'reconnect';
