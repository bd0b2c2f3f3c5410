using System.Globalization;
using System.Text;
using Gantry.Load.Seeding;

namespace Gantry.Load.Scenarios;

/// <summary>The request bodies the scenarios send.</summary>
public static class BenchGraphs
{
    /// <summary><c>POST /api/prompt</c> with the trivial graph (a number shown as text).</summary>
    public static readonly byte[] SubmitBody = Encoding.UTF8.GetBytes("{\"prompt\": " + Encoding.UTF8.GetString(SeedJob.PromptJson) + "}");

    /// <summary>The trivial graph with a given number, so no cache ever answers for it.</summary>
    public static byte[] PromptWith(long value) => Encoding.UTF8.GetBytes(
        "{\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": " + value.ToString(CultureInfo.InvariantCulture) +
        "}}, \"2\": {\"class_type\": \"PreviewAny\", \"inputs\": {\"source\": [\"1\", 0]}}}");

    /// <summary>A submit of <see cref="PromptWith"/> under a client-chosen prompt_id.</summary>
    public static byte[] SubmitBodyWith(long value, Guid promptId) => Encoding.UTF8.GetBytes(
        "{\"prompt\": " + Encoding.UTF8.GetString(PromptWith(value)) + ", \"prompt_id\": \"" + promptId.ToString("D") + "\"}");
}
