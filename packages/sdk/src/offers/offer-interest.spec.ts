import { OfferInterest } from './offer-interest';

describe('OfferInterest', () => {
  it('revives on new demand only, and suppresses when nothing can launch and nothing waits', () => {
    const i = new OfferInterest();
    expect(i.next(2)).toBe('revive');
    expect(i.next(2)).toBeUndefined(); // the same demand: no revive loop
    expect(i.next(3)).toBe('revive');
    expect(i.next(0)).toBe('suppress');
    expect(i.next(0)).toBeUndefined();
    expect(i.next(1)).toBe('revive'); // suppressed and something can launch
  });

  it('does not suppress while something waits out a delay', () => {
    const i = new OfferInterest();
    expect(i.next(0, true)).toBeUndefined();
    expect(i.next(0, false)).toBe('suppress');
  });

  it('counts only demand beyond what the last offers could not place', () => {
    const i = new OfferInterest();
    i.next(4);
    i.leftAfterOffers(4);
    expect(i.next(4)).toBeUndefined();
    i.reset();
    expect(i.next(4)).toBe('revive');
  });
});
