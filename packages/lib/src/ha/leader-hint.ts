/** gRPC trailers a standby master puts on its UNAVAILABLE: that it does not lead, and whom it knows to. */
export const NOT_LEADER_METADATA = 'strata-not-leader';
export const LEADER_METADATA = 'strata-leader';

interface MetadataLike {
  get(key: string): (string | Buffer)[];
}

/** Reads a standby's answer: undefined when the error is not "I do not lead"; else the leader it names, if any. */
export function notLeaderHint(err: { metadata?: MetadataLike }): { leader?: string } | undefined {
  const md = err.metadata;
  if (!md?.get(NOT_LEADER_METADATA).length) return undefined;
  const leader = md.get(LEADER_METADATA)[0]?.toString();
  return leader ? { leader } : {};
}
