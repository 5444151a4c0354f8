import * as res from '@strata/lib/resources';
import type { Resources } from '@strata/lib/resources';
import type { Offer__Output } from '@strata/proto';

/** An offer's resources as a value, for fitting tasks into it. */
export function offerResources(offer: Offer__Output): Resources {
  return res.fromProto(offer.resources);
}
