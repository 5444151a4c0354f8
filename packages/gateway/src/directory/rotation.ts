/**
 * Several addresses of one service where any will do (Marathon and Chronos standbys proxy to
 * their leader): the current one until it fails, then the next.
 */
export class Rotation {
  private index = 0;

  constructor(readonly urls: readonly string[]) {}

  get current(): string | undefined {
    return this.urls[this.index];
  }

  /** `url` failed to answer: move on, unless another failure moved on already. */
  failed(url: string): void {
    if (this.urls.length > 1 && this.urls[this.index] === url) this.index = (this.index + 1) % this.urls.length;
  }
}
