import type { VerifierLogger } from '../../options.js';

/**
 * Warns once when a request comes from a loopback or private address and carries
 * `X-Forwarded-For` while the framework trusts no proxy: the app most likely runs behind a proxy
 * and takes the proxy's address for every visitor's, so CleanTalk judges one IP for all of them.
 *
 * @param advice How to fix it in this framework, e.g. "set Fastify's trustProxy to your proxies".
 * @returns A function to call per checked request; it costs a header lookup once it has warned.
 */
export function createProxyWarning(
  logger: VerifierLogger,
  advice: string,
): (ip: unknown, forwardedFor: unknown, proxiesTrusted: boolean) => void {
  let warned = false;
  return (ip, forwardedFor, proxiesTrusted) => {
    if (warned || proxiesTrusted || !forwardedFor || typeof ip !== 'string' || !isLocalAddress(ip)) return;
    warned = true;
    logger.warn(
      `[ct-protected-form] the client address ${ip} is a loopback or private address and the request carries X-Forwarded-For, but no proxy is trusted: every visitor may get your proxy's address. ${advice}. (warned once)`,
    );
  };
}

/** True for loopback, private (RFC 1918, unique local), link-local and unspecified addresses. */
export function isLocalAddress(ip: string): boolean {
  const address = ip.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(address);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  // Only an address's own characters: the warning prints it, and a getIp reading a header could
  // hand over anything, a forged log line included.
  if (!/^[0-9a-f:.]+$/.test(address)) return false;
  return address === '::1' || address === '::' || /^f[cd]/.test(address) || /^fe[89ab]/.test(address);
}
