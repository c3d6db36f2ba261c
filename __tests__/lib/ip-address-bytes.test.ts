import { canonicalIpAddress, formatIpAddress, ipAddressBytes } from '../../lib/ip-address-bytes';

describe('ipAddressBytes', () => {
  it('gives 4 octets for IPv4 and 16 for IPv6, in network order', () => {
    expect(ipAddressBytes('192.0.2.10').toString('hex')).toBe('c000020a');
    expect(ipAddressBytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(ipAddressBytes('2001:db8::8:800:200c:417a').toString('hex')).toBe('20010db80000000000080800200c417a');
    expect(ipAddressBytes('fe80::1%eth0').toString('hex')).toBe('fe800000000000000000000000000001');
    expect(ipAddressBytes('::ffff:10.0.0.1').toString('hex')).toBe('00000000000000000000ffff0a000001');
    expect(ipAddressBytes('1:2:3:4:5:6:7:8').toString('hex')).toBe('00010002000300040005000600070008');
    expect(ipAddressBytes('1::').toString('hex')).toBe('00010000000000000000000000000000');
  });

  it('refuses what is no address', () => {
    expect(() => ipAddressBytes('localhost')).toThrow(/'localhost' is not an IPv4 or IPv6 address/);
    expect(() => ipAddressBytes('1.2.3.256')).toThrow(/not an IPv4 or IPv6 address/);
  });
});

describe('canonical text', () => {
  it('writes RFC 5952 IPv6: lower case, longest zero run as ::, a single zero group kept, mapped IPv4 dotted', () => {
    expect(canonicalIpAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(canonicalIpAddress('2001:DB8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIpAddress('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(canonicalIpAddress('::ffff:a00:1')).toBe('::ffff:10.0.0.1');
    expect(canonicalIpAddress('::')).toBe('::');
    expect(canonicalIpAddress('192.0.2.1')).toBe('192.0.2.1');
  });

  it('round-trips octets', () => {
    const bytes = Buffer.from('20010db8000000000001000000000001', 'hex');
    expect(ipAddressBytes(formatIpAddress(bytes))).toEqual(bytes);
  });
});
