import { parseSse } from './sse';

describe('parseSse', () => {
  it('yields complete frames with their event names and keeps a partial one for later', () => {
    const a = parseSse('event: deployment_success\ndata: {"id":"d1"}\n\n: keep-alive\n\nevent: x\ndata: a\ndata: b\n\nevent: part');
    expect(a.frames).toEqual([{ event: 'deployment_success', data: '{"id":"d1"}' }, { event: 'x', data: 'a\nb' }]);
    expect(a.rest).toBe('event: part');
    expect(parseSse(a.rest + '\r\ndata: 1\r\n\r\n').frames).toEqual([{ event: 'part', data: '1' }]);
    expect(parseSse('data: plain\n\n').frames).toEqual([{ event: 'message', data: 'plain' }]);
  });
});
