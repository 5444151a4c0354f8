import { clusterKeys, etcdTarget, parseEtcdEndpoints, parseMasterTarget } from './etcd-address';

describe('etcd and master addresses', () => {
  it('reads etcd:// with several members and the cluster name', () => {
    expect(parseMasterTarget('etcd://h1:2379,h2:2379,10.0.0.3:2379/prod')).toEqual({ kind: 'etcd', etcd: { endpoints: ['http://h1:2379', 'http://h2:2379', 'http://10.0.0.3:2379'], cluster: 'prod' } });
  });

  it('reads a list of masters, with or without a scheme', () => {
    expect(parseMasterTarget('m1:5050, http://m2:5050/')).toEqual({ kind: 'list', addresses: ['m1:5050', 'm2:5050'] });
    expect(parseMasterTarget('127.0.0.1:5050')).toEqual({ kind: 'list', addresses: ['127.0.0.1:5050'] });
  });

  it('refuses what it cannot use, with the flag and the bad part in the message', () => {
    expect(() => parseMasterTarget('etcd://h1:2379')).toThrow(/names no cluster/);
    expect(() => parseMasterTarget('etcd://h1:2379/bad name')).toThrow(/cluster name 'bad name'/);
    expect(() => parseMasterTarget('etcd:///x')).toThrow(/no endpoints/);
    expect(() => parseMasterTarget('m1')).toThrow(/'m1' is not host:port/);
    expect(() => parseMasterTarget('m1:99999')).toThrow(/not host:port/);
    expect(() => parseMasterTarget(' , ')).toThrow(/no address/);
    expect(() => etcdTarget('h:1', '')).toThrow(/--cluster-name/);
  });

  it('keeps https endpoints https', () => {
    expect(parseEtcdEndpoints('https://a:2379,b:2379')).toEqual(['https://a:2379', 'http://b:2379']);
  });

  it('puts each service of a cluster under its own prefix', () => {
    const k = clusterKeys('c1');
    expect(k.election('master')).toBe('strata/c1/master/election/');
    expect(k.store('marathon')).toBe('strata/c1/marathon/state/');
    expect(k.store('marathon').startsWith(k.store('master'))).toBe(false);
  });
});
