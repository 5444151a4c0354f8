export { OfferBook } from './offer-book';
export type { OutstandingOffer } from './offer-book';
export { planAccept } from './accept';
export type { AcceptPlan, TaskRejection } from './accept';
export { planReservations, reservationProblem } from './reservations';
export type { ReservationChange, ReservationOp } from './reservations';
