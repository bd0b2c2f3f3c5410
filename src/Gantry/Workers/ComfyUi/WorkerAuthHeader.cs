namespace Gantry.Workers.ComfyUi;

/// <summary>The header a registration asks to send with every request to its worker, parsed from <c>Name: value</c>.</summary>
public readonly record struct WorkerAuthHeader(string Name, string Value)
{
    /// <summary>Parses <c>Name: value</c>; null for an empty setting.</summary>
    /// <exception cref="FormatException">There is no name before the colon.</exception>
    public static WorkerAuthHeader? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? text[..colon].Trim() : "";
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 0x7f))
        {
            throw new FormatException("A worker auth header must look like 'Name: value'.");
        }

        return new WorkerAuthHeader(name, text[(colon + 1)..].Trim());
    }

    /// <summary>Never the value: it is a secret.</summary>
    public override string ToString() => $"{Name}: ***";
}
