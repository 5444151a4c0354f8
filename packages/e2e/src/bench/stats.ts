import { percentile } from '@strata/lib';

export { percentile };

export const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

export function summary(samples: number[]) {
  return { n: samples.length, p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), mean: round(samples.reduce((a, b) => a + b, 0) / samples.length) };
}
