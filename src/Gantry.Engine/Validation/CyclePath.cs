using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Validation;

/// <summary>The text of a dependency-cycle error: <c>1 (A) -> 2 (B) -> 1 (A)</c>, bounded in nodes and id length.</summary>
internal static class CyclePath
{
    private const int IdShown = 64;

    /// <param name="prompt">The prompt, for each node's class type.</param>
    /// <param name="shown">The first nodes of the cycle, the ones the text names.</param>
    /// <param name="length">How many nodes the whole cycle has.</param>
    /// <param name="closing">The node met again, which closes the cycle.</param>
    public static string Describe(Prompt prompt, IReadOnlyList<string> shown, int length, string closing)
    {
        var steps = shown.Select(id => Step(prompt, id));
        var omitted = length - shown.Count;
        return omitted > 0
            ? string.Join(" -> ", steps.Append($"... ({omitted} more)").Append(Step(prompt, closing)))
            : string.Join(" -> ", steps.Append(Step(prompt, closing)));
    }

    private static string Step(Prompt prompt, string id) =>
        $"{(id.Length > IdShown ? id[..IdShown] + "..." : id)} ({PyFormat.Str(prompt.Find(id)?.ClassTypeValue ?? JNull.Instance)})";
}
