using System.Globalization;

namespace Gantry.Api;

/// <summary>Reads query-string parameters with messages that name the parameter and the allowed range.</summary>
public static class QueryParameters
{
    /// <summary>The last value given for <paramref name="name"/>, or null.</summary>
    public static string? Single(IQueryCollection query, string name)
        => query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>An integer in [min, max]; absent or empty gives <paramref name="fallback"/>.</summary>
    public static bool TryReadInt(IQueryCollection query, string name, int fallback, int min, int max, out int value, out string? error)
    {
        error = null;
        value = fallback;
        if (Single(query, name) is not { Length: > 0 } text)
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            error = $"{name} must be an integer, got '{ApiResults.Truncate(text)}'.";
            return false;
        }

        if (value < min || value > max)
        {
            error = max == int.MaxValue
                ? $"{name} must be at least {min}, got {value}."
                : $"{name} must be between {min} and {max}, got {value}.";
            return false;
        }

        return true;
    }
}
