import { parseQuotaRequest, parseWeightsRequest, MAX_WEIGHT } from './roles';

describe('operator role requests', () => {
  it('takes valid weights', () => {
    expect(parseWeightsRequest([{ role: 'web', weight: 2 }, { role: 'eng/db', weight: 0.5 }])).toEqual([{ role: 'web', weight: 2 }, { role: 'eng/db', weight: 0.5 }]);
  });
  it.each([
    [{}, /JSON array/],
    [[{ role: '', weight: 1 }], /Empty role/],
    [[{ role: '../x', weight: 1 }], /'\.' or '\.\.'/],
    [[{ role: 'x'.repeat(5000), weight: 1 }], /longer than/],
    [[{ role: '*', weight: 2 }], /default role/],
    [[{ role: 'a', weight: 1e308 }], /at most/],
    [[{ role: 'a', weight: 0 }], /above 0/],
    [[{ role: 'a', weight: '2' }], /number/],
    [[{ role: 'a', weight: 1 }, { role: 'a', weight: 2 }], /twice/],
    [[null], /'role' must be a string/],
  ])('refuses weights %j', (body, why) => expect(() => parseWeightsRequest(body)).toThrow(why));
  it('accepts the largest weight', () => expect(parseWeightsRequest([{ role: 'a', weight: MAX_WEIGHT }])[0]!.weight).toBe(MAX_WEIGHT));

  const cpus = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }];
  it('takes a valid quota', () => expect(parseQuotaRequest({ role: 'web', guarantee: cpus }).role).toBe('web'));
  it.each([
    [{ role: '*', guarantee: cpus }, /default role/],
    [{ role: '', guarantee: cpus }, /Empty role/],
    [{ role: 'a/b', guarantee: cpus }, /top-level/],
    [{ role: 'a b', guarantee: cpus }, /whitespace/],
    [{ role: 'a' }, /Expecting/],
    [[], /Expecting/],
  ])('refuses quota %j', (body, why) => expect(() => parseQuotaRequest(body)).toThrow(why));
});
