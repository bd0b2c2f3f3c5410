using System.Text.RegularExpressions;

namespace Gantry.Auth;

/// <summary>
/// The one place secrets are taken out of text before it is shown or logged: credentials in URLs
/// (<c>http://user:pass@host</c>), key-like query parameters (<c>?token=…</c>), HTTP credentials
/// (<c>Authorization: Bearer …</c>, <c>X-API-Key: …</c>), passwords in connection strings (<c>Password=…</c>) and
/// Gantry API keys (<c>gk_…</c>). What is removed becomes <see cref="Mask"/>.
/// </summary>
public static partial class Secrets
{
    public const string Mask = "***";

    /// <summary>Setting and option names whose whole value is secret (compared at the end of the name, ignoring case).</summary>
    private static readonly string[] SecretNames = ["authheader", "auth-header", "password", "pwd", "token", "secret", "apikey", "api-key", "key"];

    /// <summary><paramref name="text"/> with every secret it holds masked; null stays null.</summary>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var result = UrlUserInfo().Replace(text, "${scheme}" + Mask + "@");
        result = SecretQueryParameter().Replace(result, "${name}=" + Mask);
        result = HttpCredential().Replace(result, "${name}" + Mask);
        result = ConnectionStringPassword().Replace(result, "${name}=" + Mask);
        return GantryKey().Replace(result, Mask);
    }

    /// <summary>
    /// A command line with secrets masked: the value of a secret-named option (<c>--Gantry:Workers:…:AuthHeader=…</c>,
    /// <c>--password x</c>) entirely, and whatever <see cref="Redact"/> finds in every other argument.
    /// </summary>
    public static string[] RedactCommandLine(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var redacted = new string[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith('-') && equals > 0 && IsSecretName(arg.AsSpan(0, equals)))
            {
                redacted[i] = arg[..(equals + 1)] + Mask;
            }
            else if (i > 0 && args[i - 1].StartsWith('-') && !args[i - 1].Contains('=', StringComparison.Ordinal) && IsSecretName(args[i - 1]))
            {
                redacted[i] = Mask;
            }
            else
            {
                redacted[i] = Redact(arg)!;
            }
        }

        return redacted;
    }

    /// <summary>Whether a setting or option of this name holds a secret (its value must never be shown).</summary>
    public static bool IsSecretName(ReadOnlySpan<char> name)
    {
        var last = name.TrimStart('-');
        var colon = last.LastIndexOf(':');
        if (colon >= 0)
        {
            last = last[(colon + 1)..];
        }

        foreach (var secret in SecretNames)
        {
            if (last.EndsWith(secret, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/?#\s@]+@")]
    private static partial Regex UrlUserInfo();

    [GeneratedRegex(@"(?<=[?&;])(?<name>[A-Za-z_\-]*(token|key|password|passwd|pwd|secret|signature|sig|auth))=[^&#;\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretQueryParameter();

    [GeneratedRegex(@"(?<name>\b(?:Authorization|Proxy-Authorization)\s*[:=]\s*(?:(?:Bearer|Basic|Token|Digest)\s+)?|\b(?:Bearer|Basic)\s+|\bX-API-Key\s*[:=]\s*)[^\s,;""']+", RegexOptions.IgnoreCase)]
    private static partial Regex HttpCredential();

    [GeneratedRegex(@"(?<name>\b(?:Password|Pwd))\s*=\s*(?:""[^""]*""|'[^']*'|[^;\s""']*)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"\bgk_[A-Za-z0-9_\-]{8,}")]
    private static partial Regex GantryKey();
}
