using System.Text.RegularExpressions;
using Gantry.Engine.Execution;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>SaveImage and PreviewImage: file names, counters, subfolders, metadata, UI and the folder boundary.</summary>
public sealed partial class SaveImageTests : IDisposable
{
    private const string TwoFrames = """
        {"1": {"class_type": "TestImage", "inputs": {"batch": 2, "height": 1, "width": 2, "channels": 3, "samples": "0 0.5 1 1 0.5 0  0.2 0.2 0.2 0.4 0.4 0.4"}},
         "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "PREFIX"}}}
        """;

    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task SaveImage_writes_each_frame_with_consecutive_counters_and_lists_them_in_its_ui()
    {
        var (result, _) = await _runner.RunAsync(TwoFrames.Replace("PREFIX", "ComfyUI", StringComparison.Ordinal));

        result.OutputsJson().ShouldBeJson("""
            {"2": {"images": [{"filename": "ComfyUI_00001_.png", "subfolder": "", "type": "output"},
                              {"filename": "ComfyUI_00002_.png", "subfolder": "", "type": "output"}]}}
            """);
        var first = PngPixels.Decode(File.ReadAllBytes(Path.Combine(_runner.Folders.Output, "ComfyUI_00001_.png")));
        (first.Width, first.Height, first.Channels).ShouldBe((2, 1, 3));
        first.Samples.ShouldBe(new byte[] { 0, 127, 255, 255, 127, 0 });
        PngPixels.Decode(File.ReadAllBytes(Path.Combine(_runner.Folders.Output, "ComfyUI_00002_.png"))).Samples.ShouldBe(new byte[] { 51, 51, 51, 102, 102, 102 });
    }

    [Fact]
    public async Task SaveImage_passes_its_images_on()
    {
        await _runner.RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 2, "batch_size": 1, "color": 0}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "pass"}},
             "a": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}},
             "b": {"class_type": "TestProbe", "inputs": {"value": ["2", 0]}}}
            """);

        _runner.Probe.Single<ImageTensor>("b").ShouldBeSameAs(_runner.Probe.Single<ImageTensor>("a"));
    }

    [Fact]
    public async Task The_counter_continues_after_the_largest_number_for_that_prefix()
    {
        foreach (var name in new[] { "shot_00007_.png", "shot_00003_.png", "shot_12_extra.png", "shot_abc_.png", "shots_00099_.png", "other_00050_.png" })
        {
            await File.WriteAllBytesAsync(Path.Combine(_runner.Folders.Output, name), [], TestContext.Current.CancellationToken);
        }

        var (result, _) = await _runner.RunAsync(TwoFrames.Replace("PREFIX", "shot", StringComparison.Ordinal));

        result.Files().Select(f => f.Filename).ShouldBe(["shot_00013_.png", "shot_00014_.png"]);
    }

    [Fact]
    public async Task The_prefix_names_subfolders_and_expands_size_date_and_batch_variables()
    {
        var (result, _) = await _runner.RunAsync(TwoFrames.Replace("PREFIX", "runs/%width%x%height%/%year%-%month%/f%batch_num%", StringComparison.Ordinal));

        var files = result.Files().ToList();
        files.Count.ShouldBe(2);
        files[0].Subfolder.ShouldMatch(@"^runs/2x1/\d{4}-\d{2}$");
        files.Select(f => f.Filename).ShouldBe(["f0_00001_.png", "f1_00002_.png"]);
        File.Exists(Path.Combine(_runner.Folders.Output, files[1].Subfolder, "f1_00002_.png")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("a/../b", "", "b_00001_.png")]
    [InlineData("./deep/./er//x", "deep/er", "x_00001_.png")]
    public async Task The_prefix_is_normalised_before_it_is_split(string prefix, string subfolder, string filename)
    {
        var (result, _) = await _runner.RunAsync(TwoFrames.Replace("PREFIX", prefix, StringComparison.Ordinal));

        result.Files().First().ShouldBe(new UiFile(filename, subfolder, "output"));
    }

    [Theory]
    [InlineData("../escaped")]
    [InlineData("a/../../escaped")]
    [InlineData("/tmp/escaped")]
    public async Task A_prefix_that_leaves_the_output_folder_fails_the_node(string prefix)
    {
        var error = await _runner.FailureAsync(TwoFrames.Replace("PREFIX", prefix, StringComparison.Ordinal));

        error.NodeId.ShouldBe("2");
        error.ExceptionType.ShouldBe("Exception");
        error.ExceptionMessage.ShouldStartWith("**** ERROR: Saving image outside the output folder is not allowed.");
        Directory.EnumerateFiles(Path.GetDirectoryName(_runner.Folders.Output)!, "escaped*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_png_carries_the_prompt_and_each_extra_pnginfo_entry_as_python_json()
    {
        var extra = JsonAssert.Parse("""{"extra_pnginfo": {"workflow": {"nodes": [], "note": "café"}, "other": 1.0}}""").ShouldBeOfType<JObject>();

        var (result, _) = await _runner.RunAsync(
            """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 1, "batch_size": 1, "color": 0}},
             "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "meta"}}}
            """,
            extra);

        var file = result.Files().ShouldHaveSingleItem();
        PngMetadata.ReadText(File.ReadAllBytes(Path.Combine(_runner.Folders.Output, file.Filename))).ShouldBe(
        [
            new("prompt", """{"1": {"class_type": "EmptyImage", "inputs": {"width": 1, "height": 1, "batch_size": 1, "color": 0}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "meta"}}}"""),
            new("workflow", """{"nodes": [], "note": "caf\u00e9"}"""),
            new("other", "1.0"),
        ]);
    }

    [Fact]
    public async Task PreviewImage_writes_to_temp_under_a_random_prefix()
    {
        var (result, _) = await _runner.RunAsync("""
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 2, "height": 1, "batch_size": 2, "color": 65280}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """);

        var files = result.Files().ToList();
        files.Select(f => (f.Subfolder, f.Type)).ShouldBe([("", "temp"), ("", "temp")]);
        var match = PreviewName().Match(files[0].Filename);
        match.Success.ShouldBeTrue(files[0].Filename);
        files[1].Filename.ShouldBe($"ComfyUI_temp_{match.Groups[1].Value}_00002_.png");
        var png = PngPixels.Decode(File.ReadAllBytes(Path.Combine(_runner.Folders.Temp, files[1].Filename)));
        png.Samples.ShouldBe(new byte[] { 0, 255, 0, 0, 255, 0 });
        Directory.EnumerateFiles(_runner.Folders.Output).ShouldBeEmpty();
    }

    [Fact]
    public async Task Several_prompts_saving_with_one_prefix_at_once_never_overwrite_each_other()
    {
        // All prompts pass a barrier right before SaveImage, so they all see the same next counter.
        const int Prompts = 4;
        using var runner = new NodeRunner(barrierParticipants: Prompts);
        var runs = Enumerable.Range(0, Prompts).Select(i => runner.RunAsync(
            """
            {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 3, "color": COLOR}},
             "2": {"class_type": "TestBarrier", "inputs": {"value": ["1", 0]}},
             "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "race/same"}}}
            """.Replace("COLOR", $"{i}", StringComparison.Ordinal),
            promptId: $"p{i}"));

        var results = await Task.WhenAll(runs);

        results.ShouldAllBe(r => r.Result.Outcome == ExecutionOutcome.Success);
        var saved = results.SelectMany((r, i) => r.Result.Files().Select(f => (Color: i, f.Filename))).ToList();
        saved.Select(s => s.Filename).Distinct().Count().ShouldBe(Prompts * 3);
        Directory.EnumerateFiles(Path.Combine(runner.Folders.Output, "race")).Count().ShouldBe(Prompts * 3);
        foreach (var (color, filename) in saved)
        {
            var png = PngPixels.Decode(File.ReadAllBytes(Path.Combine(runner.Folders.Output, "race", filename)));
            png.Samples[2].ShouldBe((byte)color, filename);
        }
    }

    [GeneratedRegex("^ComfyUI_temp_([a-z]{5})_00001_\\.png$")]
    private static partial Regex PreviewName();
}
