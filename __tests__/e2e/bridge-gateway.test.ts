import { bridgeGatewayFrom, inSubnet, type BridgeNetworkInspect, type IpAddrShow } from '../../e2e/external-kafka';

// Two shapes of `docker network inspect bridge --format '{{json .}}'` seen on real engines.
const withGateway: BridgeNetworkInspect = {
  IPAM: { Config: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }] },
  Options: { 'com.docker.network.bridge.name': 'docker0' },
};
// A freshly started Debian 20.10.24 engine: a subnet, no Gateway, no Options.
const withoutGateway: BridgeNetworkInspect = { IPAM: { Config: [{ Subnet: '172.17.0.0/16' }] }, Options: null };

const ipShow = (name: string, ...addresses: string[]): IpAddrShow => [
  { addr_info: addresses.map((local) => ({ family: 'inet', local, label: name })) },
];

describe('the default bridge gateway of the external rehearsal', () => {
  it('takes the reported Gateway when the engine gives one, without looking at interfaces', () => {
    const lookup = jest.fn(() => ipShow('docker0', '10.9.9.9'));
    expect(bridgeGatewayFrom(withGateway, lookup)).toBe('172.17.0.1');
    expect(lookup).not.toHaveBeenCalled();
  });

  it('without a Gateway, takes the docker0 address that lies in the reported subnet', () => {
    const lookup = jest.fn((name: string) => (name === 'docker0' ? ipShow('docker0', '10.0.0.5', '172.17.0.1') : []));
    expect(bridgeGatewayFrom(withoutGateway, lookup)).toBe('172.17.0.1');
    expect(lookup).toHaveBeenCalledWith('docker0');
  });

  it('looks at the bridge interface the engine names in its options', () => {
    const inspect: BridgeNetworkInspect = { IPAM: { Config: [{ Subnet: '192.168.77.0/24' }] }, Options: { 'com.docker.network.bridge.name': 'labbr0' } };
    expect(bridgeGatewayFrom(inspect, (name) => (name === 'labbr0' ? ipShow('labbr0', '192.168.77.1') : []))).toBe('192.168.77.1');
  });

  it('fails naming the subnet and the interface when neither gives an address', () => {
    expect(() => bridgeGatewayFrom(withoutGateway, () => [])).toThrow(/reports no IPv4 Gateway \(subnet 172\.17\.0\.0\/16\) and interface docker0 has no IPv4 address/);
    expect(() => bridgeGatewayFrom(withoutGateway, () => ipShow('docker0', '10.1.2.3'))).toThrow(/no address in that subnet \(10\.1\.2\.3\)/);
  });

  it('ignores an empty or non-IPv4 Gateway field', () => {
    const blank: BridgeNetworkInspect = { IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '' }] } };
    expect(bridgeGatewayFrom(blank, () => ipShow('docker0', '172.18.0.1'))).toBe('172.18.0.1');
  });
});

describe('inSubnet', () => {
  it.each([
    ['172.17.0.1', '172.17.0.0/16', true],
    ['172.18.0.1', '172.17.0.0/16', false],
    ['10.0.0.1', '0.0.0.0/0', true],
    ['192.168.1.255', '192.168.1.0/24', true],
    ['192.168.2.0', '192.168.1.0/24', false],
    ['not-an-ip', '192.168.1.0/24', false],
    ['192.168.1.1', '192.168.1.0/33', false],
  ])('%s in %s: %s', (address, subnet, expected) => {
    expect(inSubnet(address, subnet)).toBe(expected);
  });
});
