using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Gantry.Hosting;

/// <summary>
/// <c>Gantry:Proxy</c>: the reverse proxies (nginx, Caddy, a load balancer) whose <c>X-Forwarded-*</c> headers Gantry
/// believes. Empty (the default) believes none, so no client can fake its scheme or host.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Gantry:Proxy";

    /// <summary>Addresses of trusted proxies (<c>10.0.0.2</c>, <c>::1</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Whether <c>X-Forwarded-Host</c> from a trusted proxy sets the host links and redirects use.</summary>
    public bool ForwardedHost { get; set; } = true;

    /// <summary>The hosts <c>X-Forwarded-Host</c> may name (<c>gantry.example.com</c>, <c>*.example.com</c>); empty = any.</summary>
    public List<string> AllowedHosts { get; set; } = [];
}

/// <summary>Applies <see cref="ProxyOptions"/>: the forwarded-headers middleware, fed only by the trusted proxies.</summary>
public static class ReverseProxy
{
    /// <summary>The middleware options for <paramref name="proxy"/>; null when no proxy is trusted.</summary>
    /// <exception cref="StartupException">An address or network does not parse.</exception>
    public static ForwardedHeadersOptions? CreateOptions(ProxyOptions proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (proxy.KnownProxies.Count == 0 && proxy.KnownNetworks.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedPrefix
                | (proxy.ForwardedHost ? ForwardedHeaders.XForwardedHost : ForwardedHeaders.None),

            // Every hop is checked against the trusted list, so a chain (CDN, then nginx) is followed only as far as it is trusted.
            ForwardLimit = null,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var address in proxy.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.TryParse(address.Trim(), out var ip)
                ? ip
                : throw new StartupException(StartupFailureKind.BadSetting, $"Gantry:Proxy:KnownProxies: '{address}' is not an IP address."));
        }

        foreach (var network in proxy.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network.Trim(), out var parsed)
                ? parsed
                : throw new StartupException(StartupFailureKind.BadSetting, $"Gantry:Proxy:KnownNetworks: '{network}' is not a network such as 10.0.0.0/8."));
        }

        foreach (var host in proxy.AllowedHosts)
        {
            options.AllowedHosts.Add(host.Trim());
        }

        return options;
    }
}
