export interface BackoffPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

/** Delay before attempt `attempt` (0-based): initial x factor^attempt, capped. Pure; jitter is the caller's choice. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  const raw = policy.initialMs * Math.pow(policy.factor, Math.max(0, attempt));
  return Math.min(policy.maxMs, raw);
}
