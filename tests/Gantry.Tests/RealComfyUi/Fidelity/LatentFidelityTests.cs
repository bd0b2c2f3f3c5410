using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// The latent nodes on the engine and on the real ComfyUI. The test ComfyUI stubs the safetensors package, so its
/// SaveLatent reports a file it never writes and its LoadLatent cannot read one: what both sides can be compared on
/// is the history entry (the <c>latents</c> UI list) and, in ObjectInfoFidelityTests, each node's definition. The
/// file format is checked against the safetensors layout in the engine's LatentNodeTests (docs/fidelity.md).
/// </summary>
[Collection(RealComfyUiCollection.Name)]
public sealed partial class LatentFidelityTests
{
    [Fact]
    public async Task SaveLatent_reports_the_file_ComfyUI_reports()
    {
        Assert.SkipWhen(RealComfyUiTier.SkipReason is not null, RealComfyUiTier.SkipReason ?? string.Empty);
        const string Prompt = """
            {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 40, "batch_size": 3}},
             "2": {"class_type": "LatentFromBatch", "inputs": {"samples": ["1", 0], "batch_index": 1, "length": 5}},
             "3": {"class_type": "RepeatLatentBatch", "inputs": {"samples": ["2", 0], "amount": 2}},
             "S": {"class_type": "SaveLatent", "inputs": {"samples": ["3", 0], "filename_prefix": "latents/fid_%width%x%height%"}}}
            """;
        await using var comfy = await ComfyUiDirect.ConnectAsync(RealComfyUiTier.Url!);

        var expected = await FidelityRun.OnComfyUiAsync(comfy, Prompt);
        var actual = await FidelityRun.OnEngineAsync(Prompt);

        Outputs(actual.History).ShouldBe(Outputs(expected.History));
        Outputs(actual.History).ShouldContain("fid_0x0_#####_.latent");
    }

    private static string Outputs(JsonElement history) =>
        Counter().Replace(JsonSerializer.Serialize(history.GetProperty("outputs")), "_#####_.");

    [GeneratedRegex(@"_\d{5}_\.")]
    private static partial Regex Counter();
}
