import { table } from './table';

describe('table', () => {
  it('pads columns to their widest cell and leaves the last unpadded', () => {
    expect(table(['ID', 'STATE'], [['a', 'TASK_RUNNING'], ['longer-id', 'X']])).toBe(
      ['ID         STATE', 'a          TASK_RUNNING', 'longer-id  X'].join('\n'),
    );
  });
});
