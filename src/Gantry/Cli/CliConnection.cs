using System.CommandLine;
using Gantry.Client;
using Gantry.Hosting;

namespace Gantry.Cli;

/// <summary>
/// Where a CLI command finds the running Gantry and which key it uses. URL: <c>--url</c>, then <c>GANTRY_URL</c>,
/// then <see cref="DefaultUrl"/>. Key: <c>--api-key</c>, then <c>GANTRY_API_KEY</c>, then the admin key file the
/// server wrote at first start (<c>DATA/admin-key</c>, DATA the data folder <c>gantry serve</c> would use: <c>--data</c>,
/// else the settings as <see cref="GantryConfiguration"/> reads them); none when there is no such file (a server started
/// with <c>--no-auth</c> needs none).
/// </summary>
public static class CliConnection
{
    public const string DefaultUrl = "http://127.0.0.1:8188";

    /// <param name="environment">Reads an environment variable (the process's by default).</param>
    /// <param name="dataDirectory">The data folder for a <c>--data</c> flag (or none): by default the one <c>gantry serve</c> would use.</param>
    /// <exception cref="UriFormatException">The URL is not an absolute http(s) URL.</exception>
    public static GantryHttpConnection Resolve(
        string? urlFlag, string? apiKeyFlag, string? dataFlag, Func<string, string?>? environment = null, Func<string?, string>? dataDirectory = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        dataDirectory ??= static flag => GantryConfiguration.ReadStoreSettings(flag, storeFlag: null).Data.DataDirectory;
        var url = FirstSet(urlFlag, environment(GantryHttpConnection.UrlVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UriFormatException($"'{url}' is not an http(s) URL of a Gantry server.");
        }

        var baseAddress = new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        if (FirstSet(apiKeyFlag) is { } flagKey)
        {
            return new GantryHttpConnection(baseAddress, flagKey, "--api-key");
        }

        if (FirstSet(environment(GantryHttpConnection.ApiKeyVariable)) is { } variableKey)
        {
            return new GantryHttpConnection(baseAddress, variableKey, GantryHttpConnection.ApiKeyVariable);
        }

        var keyFile = Path.Combine(Path.GetFullPath(dataDirectory(dataFlag)), Auth.AdminBootstrap.AdminKeyFileName);
        var fileKey = File.Exists(keyFile) ? FirstSet(File.ReadAllText(keyFile)) : null;
        return new GantryHttpConnection(baseAddress, fileKey, fileKey is null ? "none" : keyFile);
    }

    private static string? FirstSet(params string?[] values) => values.Select(v => v?.Trim()).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}

/// <summary>The <c>--url</c>, <c>--api-key</c> and <c>--data</c> options of commands that talk to a running Gantry.</summary>
public sealed class GantryHttpOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The Gantry server (default: ${GantryHttpConnection.UrlVariable}, else {CliConnection.DefaultUrl}).",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The API key (default: ${GantryHttpConnection.ApiKeyVariable}, else the admin key in the data folder).",
    };

    public Option<string?> Data { get; } = new("--data")
    {
        Description = "The server's data folder, to find its admin key (default: the one 'gantry serve' would use from appsettings and GANTRY__ variables, else ./gantry-data).",
    };

    /// <summary>Adds the three options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        command.Add(Url);
        command.Add(ApiKey);
        command.Add(Data);
        return command;
    }

    public GantryHttpConnection Resolve(ParseResult parse)
        => CliConnection.Resolve(parse.GetValue(Url), parse.GetValue(ApiKey), parse.GetValue(Data));
}
