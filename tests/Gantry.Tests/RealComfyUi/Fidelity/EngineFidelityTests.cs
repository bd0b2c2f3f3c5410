using System.Text.Json;
using System.Text.RegularExpressions;
using Gantry.Engine.Imaging.Codecs;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// The same workflow on the embedded engine and on the real ComfyUI: the decoded images agree within the case's
/// bound (exact for most), and so do the PNG text chunks and the history entries.
/// </summary>
[Collection(RealComfyUiCollection.Name)]
public sealed partial class EngineFidelityTests
{
    public static TheoryData<string> Cases => [.. FidelityCases.All().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_engine_draws_what_ComfyUI_draws(string name)
    {
        Assert.SkipWhen(RealComfyUiTier.SkipReason is not null, RealComfyUiTier.SkipReason ?? string.Empty);
        var @case = FidelityCases.All().Single(c => c.Name == name);
        await using var comfy = await ComfyUiDirect.ConnectAsync(RealComfyUiTier.Url!);

        var expected = await FidelityRun.OnComfyUiAsync(comfy, @case.Prompt);
        var actual = await FidelityRun.OnEngineAsync(@case.Prompt);

        actual.Images.Count.ShouldBe(expected.Images.Count, "images saved");
        var report = new List<string>();
        for (var i = 0; i < expected.Images.Count; i++)
        {
            var difference = ImageDifference.Between(expected.Images[i].Png, actual.Images[i].Png);
            report.Add($"image {i}: {difference.Describe}");
            PngMetadata.ReadText(actual.Images[i].Png).ShouldBe(PngMetadata.ReadText(expected.Images[i].Png), $"text chunks of image {i}");
        }

        var worst = expected.Images.Select((e, i) => ImageDifference.Between(e.Png, actual.Images[i].Png)).ToList();
        var detail = $"{name}: {string.Join("; ", report)} (allowed: {@case.MaxLevels} levels on {@case.MaxFraction:P2})";
        TestContext.Current.SendDiagnosticMessage(detail);
        worst.Max(w => w.MaxLevels).ShouldBeLessThanOrEqualTo(@case.MaxLevels, detail);
        worst.Max(w => w.DifferingFraction).ShouldBeLessThanOrEqualTo(@case.MaxFraction, detail);
        if (@case.MaxLevels > 0)
        {
            // A bound that is no longer needed should be tightened.
            worst.Max(w => w.MaxLevels).ShouldBeGreaterThan(0, $"{detail}: exact now, remove the bound");
        }

        HistoryShape(actual.History).ShouldBe(HistoryShape(expected.History));
    }

    /// <summary>
    /// The parts of a history entry both sides must agree on: outputs (file names without their counter), status
    /// (message types and their fields, not the values that name the run or the time) and meta.
    /// </summary>
    private static string HistoryShape(JsonElement history)
    {
        var outputs = TempSuffix().Replace(Counter().Replace(JsonSerializer.Serialize(history.GetProperty("outputs")), "_#####_.png"), "_temp_?????_");
        var status = history.GetProperty("status");
        var messages = status.GetProperty("messages").EnumerateArray()
            .Select(m => $"{m[0].GetString()}({string.Join(",", m[1].EnumerateObject().Select(p => p.Name))})");
        return $"outputs {outputs}\nstatus {status.GetProperty("status_str")} {status.GetProperty("completed")} [{string.Join(" ", messages)}]\nmeta {JsonSerializer.Serialize(history.GetProperty("meta"))}";
    }

    [GeneratedRegex(@"_\d{5}_\.png")]
    private static partial Regex Counter();

    /// <summary>The five random letters of a preview's file name (PreviewImage, MaskPreview).</summary>
    [GeneratedRegex(@"_temp_[a-z]{5}_")]
    private static partial Regex TempSuffix();
}
