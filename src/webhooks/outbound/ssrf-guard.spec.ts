import { assertWebhookUrl, isPublicAddress, resolvePublicHost, UnsafeUrlError } from './ssrf-guard';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '224.0.0.1',
  ])('refuses %s', (ip) => expect(isPublicAddress(ip)).toBe(false));

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('accepts %s', (ip) =>
    expect(isPublicAddress(ip)).toBe(true),
  );

  it('refuses loopback hosts unless private addresses are allowed', async () => {
    await expect(resolvePublicHost('localhost', false)).rejects.toThrow(UnsafeUrlError);
    await expect(resolvePublicHost('[::1]', false)).rejects.toThrow(/non-public/);
    await expect(resolvePublicHost('127.0.0.1', true)).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
  });

  it('refuses URLs that are not http(s) or carry credentials', () => {
    expect(() => assertWebhookUrl('ftp://example.com/x')).toThrow(UnsafeUrlError);
    expect(() => assertWebhookUrl('https://user:pw@example.com/x')).toThrow(UnsafeUrlError);
    expect(assertWebhookUrl('https://example.com/x').hostname).toBe('example.com');
  });
});
