using System.Text.Json;

namespace Gantry.Tests.RealComfyUi;

/// <summary>Field-by-field comparison of two JSON values: the paths whose values differ, with both values.</summary>
public static class JsonDifferences
{
    /// <param name="expected">The reference (ComfyUI's answer).</param>
    /// <param name="actual">Gantry's answer.</param>
    /// <param name="ignore">Member names whose values are not compared (e.g. <c>traceback</c>: Python's against .NET's).</param>
    public static List<string> Between(JsonElement expected, JsonElement actual, params string[] ignore)
    {
        var differences = new List<string>();
        Compare("$", expected, actual, ignore, differences);
        return differences;
    }

    private static void Compare(string path, JsonElement expected, JsonElement actual, string[] ignore, List<string> differences)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            differences.Add($"{path}: {expected.GetRawText()} vs {actual.GetRawText()}");
            return;
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
                if (!names.SequenceEqual(actualNames))
                {
                    differences.Add($"{path} members: [{string.Join(", ", names)}] vs [{string.Join(", ", actualNames)}]");
                }

                foreach (var name in names.Intersect(actualNames).Where(n => !ignore.Contains(n)))
                {
                    Compare($"{path}.{name}", expected.GetProperty(name), actual.GetProperty(name), ignore, differences);
                }

                break;
            case JsonValueKind.Array:
                var e = InComparableOrder(path, expected);
                var a = InComparableOrder(path, actual);
                if (e.Count != a.Count)
                {
                    differences.Add($"{path}: {e.Count} items vs {a.Count}");
                }

                for (var i = 0; i < Math.Min(e.Count, a.Count); i++)
                {
                    Compare($"{path}[{i}]", e[i], a[i], ignore, differences);
                }

                break;
            default:
                if (expected.GetRawText() != actual.GetRawText())
                {
                    differences.Add($"{path}: {expected.GetRawText()} vs {actual.GetRawText()}");
                }

                break;
        }
    }

    /// <summary>
    /// A node's validation errors in a fixed order: ComfyUI checks a node's inputs by iterating a Python set, whose order
    /// changes with each process's string-hash seed, so two errors of one node come in either order.
    /// </summary>
    private static List<JsonElement> InComparableOrder(string path, JsonElement array)
    {
        var items = array.EnumerateArray().ToList();
        return path.EndsWith(".errors", StringComparison.Ordinal) && items.All(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("details", out _))
            ? [.. items.OrderBy(i => i.GetProperty("details").GetRawText(), StringComparer.Ordinal)]
            : items;
    }
}
