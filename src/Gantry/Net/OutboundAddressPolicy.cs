using System.Net;
using System.Net.Sockets;

namespace Gantry.Net;

/// <summary>
/// Which addresses Gantry may connect to on a user's behalf (asset downloads from URLs; webhooks use the same rule):
/// public unicast addresses only, unless private ones are allowed by a setting. Refused: loopback, unspecified,
/// link-local (including cloud metadata at 169.254.169.254), private (RFC 1918, IPv6 unique local), carrier-grade NAT,
/// multicast, broadcast, reserved and documentation ranges, and IPv6 forms that embed such an IPv4 address (mapped,
/// NAT64). The check runs on the address actually connected to (<see cref="CreateHandler"/>), after DNS resolution, so
/// a name that resolves to a private address (or is re-pointed there: DNS rebinding) is refused too.
/// </summary>
public static class OutboundAddressPolicy
{
    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8), (IPAddress.Parse("10.0.0.0"), 8), (IPAddress.Parse("100.64.0.0"), 10),
        (IPAddress.Parse("127.0.0.0"), 8), (IPAddress.Parse("169.254.0.0"), 16), (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.0.0.0"), 24), (IPAddress.Parse("192.0.2.0"), 24), (IPAddress.Parse("192.88.99.0"), 24),
        (IPAddress.Parse("192.168.0.0"), 16), (IPAddress.Parse("198.18.0.0"), 15), (IPAddress.Parse("198.51.100.0"), 24),
        (IPAddress.Parse("203.0.113.0"), 24), (IPAddress.Parse("224.0.0.0"), 4), (IPAddress.Parse("240.0.0.0"), 4),
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128), (IPAddress.Parse("::1"), 128), (IPAddress.Parse("fc00::"), 7), (IPAddress.Parse("fe80::"), 10),
        (IPAddress.Parse("fec0::"), 10), (IPAddress.Parse("ff00::"), 8), (IPAddress.Parse("2001:db8::"), 32), (IPAddress.Parse("100::"), 64),
        (IPAddress.Parse("2001::"), 32), (IPAddress.Parse("2002::"), 16),
    ];

    private static readonly IPAddress Nat64 = IPAddress.Parse("64:ff9b::");

    /// <summary>Whether <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !BlockedV4.Any(range => InRange(address, range.Network, range.Prefix));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (InRange(address, Nat64, 96))
        {
            var bytes = address.GetAddressBytes();
            return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        }

        return !BlockedV6.Any(range => InRange(address, range.Network, range.Prefix));
    }

    /// <summary>Whether Gantry may connect to <paramref name="address"/>: always when private addresses are allowed, else only public ones.</summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivate) => allowPrivate || IsPublic(address);

    /// <summary>
    /// A handler whose every connection (the first request and each redirect) goes only to allowed addresses: the host is
    /// resolved here and each candidate address checked before connecting. No proxy is used (it would connect for us,
    /// past the check). A refused host fails the request with <see cref="OutboundAddressRefusedException"/> inside the
    /// <see cref="HttpRequestException"/>.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate, TimeSpan connectTimeout) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        ConnectTimeout = connectTimeout,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = addresses.Where(address => IsAllowed(address, allowPrivate)).ToList();
        if (allowed.Count == 0)
        {
            throw new OutboundAddressRefusedException(endpoint.Host);
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        if (a.Length != n.Length)
        {
            return false;
        }

        var whole = prefix / 8;
        if (!a.AsSpan(0, whole).SequenceEqual(n.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (n[whole] & mask);
    }
}

/// <summary>A URL's host resolves only to addresses Gantry may not connect to (loopback, private, link-local, …).</summary>
public sealed class OutboundAddressRefusedException(string host)
    : IOException($"'{host}' resolves only to loopback, private, link-local or reserved addresses, which are not allowed.")
{
    public string Host { get; } = host;
}
