/**
 * Revive/suppress on demand, as Marathon and Chronos both do: revive when more can launch than
 * before (earlier declines may have filtered the offers now needed), suppress when nothing can
 * and nothing waits. Reviving only on new demand keeps a task no agent can take (a constraint
 * nobody meets) from turning into a revive/decline loop with the master. Pure: it says what to
 * send; the framework sends it.
 */
export class OfferInterest {
  private last = 0;
  private suppressed = false;

  /** After (re)subscribing, the master knows nothing of our interest: start from "revived". */
  reset(): void {
    this.suppressed = false;
    this.last = 0;
  }

  /** What an offers event could not place: only more than this is new demand. */
  leftAfterOffers(n: number): void {
    this.last = n;
  }

  /** `launchable`: what could launch now; `waiting`: whether anything waits at all (a backoff, a retry delay). */
  next(launchable: number, waiting = launchable > 0): 'revive' | 'suppress' | undefined {
    let call: 'revive' | 'suppress' | undefined;
    if (launchable > this.last || (launchable > 0 && this.suppressed)) {
      this.suppressed = false;
      call = 'revive';
    } else if (launchable === 0 && !this.suppressed && !waiting) {
      this.suppressed = true;
      call = 'suppress';
    }
    this.last = launchable;
    return call;
  }
}
