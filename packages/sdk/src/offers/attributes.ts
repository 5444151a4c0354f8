import type { Offer__Output } from '@strata/proto';

/** An offer's attributes as text by name (scalars as their number), plus `hostname`: what constraints are matched against. */
export function offerAttributes(offer: Offer__Output): Record<string, string> {
  const out: Record<string, string> = { hostname: offer.hostname };
  for (const a of offer.attributes) out[a.name] = a.text?.value ?? String(a.scalar?.value ?? '');
  return out;
}
