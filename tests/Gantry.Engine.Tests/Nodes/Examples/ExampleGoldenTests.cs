using Gantry.Engine.Execution;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Nodes.Common;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes.Examples;

/// <summary>
/// Every workflow of <c>examples/</c> runs on the built-in engine and yields exactly the checked-in outputs
/// (<c>goldens.txt</c> next to this file): SHA-256 of the decoded pixels and of the PNG file per image, the
/// text of text outputs. The PNG encoder is deterministic for these sizes (one deflate band below 256 KiB of
/// raw rows) as long as the runtime's zlib does not change; a pixel hash that still matches then tells an
/// encoder change from a maths change.
/// </summary>
public sealed class ExampleGoldenTests : IDisposable
{
    private readonly ExampleRun _run = new();

    public static TheoryData<string> Names => [.. ExampleRun.Names];

    public void Dispose() => _run.Dispose();

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_example_reproduces_its_golden_outputs(string name)
    {
        var (result, _) = await _run.RunAsync(name);

        result.Outcome.ShouldBe(ExecutionOutcome.Success, result.Error?.ToMessage().ToJsonString());
        var actual = _run.Fingerprints(result).Order(StringComparer.Ordinal).ToList();
        actual.ShouldNotBeEmpty();
        var expected = Goldens.For(name);
        var report = string.Join('\n', actual.Select(line => $"{name} {line}"));
        actual.ShouldBe(expected, $"golden lines for this run:\n{report}\n");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Saved_pngs_carry_the_prompt_and_the_workflow(string name)
    {
        var (result, _) = await _run.RunAsync(name);

        var prompt = WithIsChanged(_run.Validate(ExampleRun.PromptText(name)).Prompt.ShouldNotBeNull().Json);
        foreach (var file in result.Files())
        {
            var text = PngMetadata.ReadText(File.ReadAllBytes(_run.PathOf(file.ToJson())));
            text.ShouldBe(
            [
                new("prompt", PythonJson.Dumps(prompt)),
                new("workflow", $$"""{"example": "{{name}}", "version": 0.4}"""),
            ]);
            JsonAssert.Parse(text[0].Value).ShouldBeJson(prompt.ToJsonString());
        }
    }

    /// <summary>As ComfyUI records the prompt while running: each LoadImage node gains <c>is_changed</c>, its file's SHA-256.</summary>
    private JObject WithIsChanged(JObject prompt) => new(prompt.Select(member =>
        member.Value is JObject node && node["class_type"]?.AsString == "LoadImage" && (node["inputs"] as JObject)?["image"]?.AsString is { } image
            ? new KeyValuePair<string, JValue>(member.Key, node.With("is_changed", JArray.OfStrings([
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(_run.Folders.Input, image))))])))
            : member));

    /// <summary>goldens.txt: lines of "{example} {node}/{index} ...", blank lines and # comments ignored.</summary>
    private static class Goldens
    {
        private static readonly ILookup<string, string> Lines = File.ReadAllLines(Path.Combine(ExampleRun.ExamplesFolder, "..", "tests", "Gantry.Engine.Tests", "Nodes", "Examples", "goldens.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToLookup(line => line[..line.IndexOf(' ', StringComparison.Ordinal)], line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);

        public static IReadOnlyList<string> For(string name) => [.. Lines[name].Order(StringComparer.Ordinal)];
    }
}
