namespace Gantry.Tests.Fuzz;

/// <summary>
/// Findings another change owns and has not landed yet: reported by the fuzzer, left out of its assertion until the
/// owner's fix is merged. Each entry names the owner; remove it when the fix lands (the fuzzer then asserts it).
/// </summary>
public static class KnownIssues
{
    private static readonly (string Owner, string What, Func<string, string, bool> Matches)[] Entries = [];

    /// <summary>The owner of a finding for this route and mutation kind, or null when nobody owns it (then it fails the run).</summary>
    public static string? OwnerOf(FuzzRoute route, string kind)
    {
        ArgumentNullException.ThrowIfNull(route);
        foreach (var (owner, what, matches) in Entries)
        {
            if (matches(route.Template, kind))
            {
                return $"{owner}: {what}";
            }
        }

        return null;
    }
}
