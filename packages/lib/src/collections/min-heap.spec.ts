import { MinHeap } from './min-heap';

describe('MinHeap', () => {
  it('pops in order whatever the push order', () => {
    const h = new MinHeap<number>((a, b) => a < b);
    let seed = 11;
    const xs: number[] = [];
    for (let i = 0; i < 1000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      xs.push(seed % 10_000);
      h.push(seed % 10_000);
    }
    const out: number[] = [];
    while (h.size) out.push(h.pop()!);
    expect(out).toEqual(xs.sort((a, b) => a - b));
    expect(h.pop()).toBeUndefined();
  });
});
