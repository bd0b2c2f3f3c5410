namespace Gantry.Client;

/// <summary>Where a Gantry server is, which API key to send (none for a server started with <c>--no-auth</c>), and where that key came from (shown in refusals).</summary>
public sealed record GantryHttpConnection(Uri BaseAddress, string? ApiKey, string KeySource)
{
    /// <summary>The CLI's environment variable for the server's URL (named in the hint when the server cannot be reached).</summary>
    public const string UrlVariable = "GANTRY_URL";

    /// <summary>The CLI's environment variable for the API key (named in the hint when the key is refused).</summary>
    public const string ApiKeyVariable = "GANTRY_API_KEY";
}
