using System.Net;
using Gantry.Auth;

namespace Gantry.Hosting;

/// <summary>
/// Refuses to start with authentication off on an address other than loopback, unless
/// <see cref="SecurityOptions.AllowRemoteNoAuth"/> says so: with <c>--no-auth</c> everyone who can reach the port is admin.
/// </summary>
public static partial class RemoteNoAuthGuard
{
    /// <summary>Throws a <see cref="StartupException"/> (a bad setting) for an unsafe start; warns loudly for an allowed one.</summary>
    public static void Check(IConfiguration configuration, bool authEnabled, SecurityOptions security, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(security);
        if (authEnabled)
        {
            return;
        }

        var remote = RemoteAddresses(configuration);
        if (remote.Count == 0)
        {
            return;
        }

        var addresses = string.Join(", ", remote);
        if (!security.AllowRemoteNoAuth)
        {
            throw new StartupException(
                StartupFailureKind.BadSetting,
                $"Refusing to start: authentication is off (--no-auth) and Gantry would listen on {addresses}, so anyone who " +
                "can reach that address would be admin. Listen on 127.0.0.1 only, turn authentication on, or pass " +
                "--allow-remote-no-auth (Gantry:Security:AllowRemoteNoAuth=true) if every machine on that network may use it.");
        }

        LogRemoteNoAuth(logger, addresses);
    }

    /// <summary>The configured listening addresses that are not loopback (all interfaces counts as not loopback).</summary>
    public static IReadOnlyList<string> RemoteAddresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = new List<string>();
        if (configuration["urls"] is { Length: > 0 } configured)
        {
            urls.AddRange(configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var ports in new[] { configuration["http_ports"], configuration["https_ports"] })
        {
            if (!string.IsNullOrWhiteSpace(ports))
            {
                urls.Add("http://*:" + ports);
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                urls.Add(url);
            }
        }

        return urls.Where(u => !IsLoopback(u)).ToArray();
    }

    /// <summary>Whether a listening URL binds to loopback only (<c>localhost</c>, <c>127.x</c>, <c>[::1]</c>).</summary>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var rest = url;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            rest = rest[(scheme + 3)..];
        }

        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']', StringComparison.Ordinal) + 1)] : rest.Split(':', '/')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning,
        Message = "AUTHENTICATION IS OFF on {Addresses}: every request from any machine that can reach it acts as the admin user (--allow-remote-no-auth).")]
    private static partial void LogRemoteNoAuth(ILogger logger, string addresses);
}
