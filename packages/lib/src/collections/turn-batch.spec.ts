import { TurnBatch, coalescingSender } from './turn-batch';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('TurnBatch', () => {
  it('delivers what was added in one turn together, at the end of the turn', async () => {
    const got: number[][] = [];
    const b = new TurnBatch<number>((items) => got.push(items));
    b.add(1);
    b.add(2);
    await Promise.resolve();
    b.add(3);
    expect(got).toEqual([]);
    expect(b.size).toBe(3);
    await nextTurn();
    expect(got).toEqual([[1, 2, 3]]);
    b.add(4);
    await nextTurn();
    expect(got).toEqual([[1, 2, 3], [4]]);
  });

  it('flushes on demand, and then has nothing left for the end of the turn', async () => {
    const got: string[][] = [];
    const b = new TurnBatch<string>((items) => got.push(items));
    b.add('a');
    b.flush();
    b.flush();
    await nextTurn();
    expect(got).toEqual([['a']]);
  });

  it('delivers, in the same pass, batches filled by another delivery', async () => {
    const got: string[] = [];
    const second = new TurnBatch<string>((items) => got.push(`second:${items.join()}`));
    const first = new TurnBatch<string>((items) => {
      got.push(`first:${items.join()}`);
      second.add('x');
    });
    first.add('a');
    await nextTurn();
    expect(got).toEqual(['first:a', 'second:x']);
  });
});

describe('coalescingSender', () => {
  type Msg = { ack?: number; acks?: number[]; other?: string };
  const kind = { pick: (m: Msg) => m.ack, many: (acks: number[]) => ({ acks }) };

  it('sends the acks of one turn as one message, a lone ack as itself', async () => {
    const sent: Msg[] = [];
    const send = coalescingSender<Msg, number>((m) => sent.push(m), kind);
    send({ ack: 1 });
    send({ ack: 2 });
    send({ ack: 3 });
    await nextTurn();
    send({ ack: 4 });
    await nextTurn();
    expect(sent).toEqual([{ acks: [1, 2, 3] }, { ack: 4 }]);
  });

  it('keeps order: another message flushes the acks queued before it', async () => {
    const sent: Msg[] = [];
    const send = coalescingSender<Msg, number>((m) => sent.push(m), kind);
    send({ ack: 1 });
    send({ ack: 2 });
    send({ other: 'launch' });
    send({ ack: 3 });
    await nextTurn();
    expect(sent).toEqual([{ acks: [1, 2] }, { other: 'launch' }, { ack: 3 }]);
  });

  it('an ack whose value is 0 is still an ack (only undefined means another kind)', async () => {
    const sent: Msg[] = [];
    const send = coalescingSender<Msg, number>((m) => sent.push(m), kind);
    send({ ack: 0 });
    send({ ack: 0 });
    await nextTurn();
    expect(sent).toEqual([{ acks: [0, 0] }]);
  });
});
