using Gantry.Engine.Execution;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>LoadImage: decoding, annotated names, validation by file existence, the file-hash fingerprint, errors.</summary>
public sealed class LoadImageTests : IDisposable
{
    private const string Load = """
        {"1": {"class_type": "LoadImage", "inputs": {"image": "NAME"}},
         "image": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}},
         "mask": {"class_type": "TestProbe", "inputs": {"value": ["1", 1]}}}
        """;

    private readonly NodeRunner _runner = new();

    public LoadImageTests()
    {
        // 2×1 RGBA: opaque red, then 25 % transparent blue.
        var rgba = new ImageTensor(1, 1, 2, 4);
        float[] samples = [1, 0, 0, 1, 0, 0, 1, 0.75f];
        samples.CopyTo(rgba.WritableSpan);
        File.WriteAllBytes(Path.Combine(_runner.Folders.Input, "rgba.png"), PngEncoder.Encode(rgba));
        Directory.CreateDirectory(Path.Combine(_runner.Folders.Input, "sub"));
        File.WriteAllBytes(Path.Combine(_runner.Folders.Input, "sub", "grey.png"), PngEncoder.Encode(Grey(0.2f)));
        File.WriteAllBytes(Path.Combine(_runner.Folders.Output, "made.png"), PngEncoder.Encode(Grey(0.6f)));
    }

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task LoadImage_outputs_rgb_and_one_minus_alpha()
    {
        await _runner.RunAsync(Load.Replace("NAME", "rgba.png", StringComparison.Ordinal));

        _runner.Probe.Single<ImageTensor>("image").ShouldBe((1, 1, 2, 3), 1, 0, 0, 0, 0, 1);
        _runner.Probe.Single<MaskTensor>("mask").ShouldBe((1, 1, 2), 0, 64 / 255f);
    }

    [Theory]
    [InlineData("sub/grey.png", 51)]
    [InlineData("made.png [output]", 153)]
    public async Task LoadImage_reads_subfolders_and_annotated_folders_and_gives_a_64_square_zero_mask_without_alpha(string name, int level)
    {
        await _runner.RunAsync(Load.Replace("NAME", name, StringComparison.Ordinal));

        _runner.Probe.Single<ImageTensor>("image").ShouldBe((1, 1, 1, 3), level / 255f);
        _runner.Probe.Single<MaskTensor>("mask").ShouldBe((1, 64, 64), 0f);
    }

    [Theory]
    [InlineData("missing.png")]
    [InlineData("../output/made.png")]
    [InlineData("made.png")]
    public void A_file_that_is_not_there_or_outside_its_folder_fails_validation_as_comfyui_reports_it(string name)
    {
        var result = _runner.Validate(Load.Replace("NAME", name, StringComparison.Ordinal));

        result.IsValid.ShouldBeFalse();
        result.NodeErrorsJson()["1"].ShouldNotBeNull().ShouldBeJson("""
            {"errors": [{"type": "custom_validation_failed", "message": "Custom validation failed for node",
                         "details": "image - Invalid image file: NAME", "extra_info": {"input_name": "image"}}],
             "dependent_outputs": ["image", "mask"], "class_type": "LoadImage"}
            """.Replace("NAME", name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupt_file_is_an_execution_error_naming_the_file()
    {
        await File.WriteAllTextAsync(Path.Combine(_runner.Folders.Input, "broken.png"), "not an image", TestContext.Current.CancellationToken);

        var error = await _runner.FailureAsync(Load.Replace("NAME", "broken.png", StringComparison.Ordinal));

        error.NodeId.ShouldBe("1");
        error.NodeType.ShouldBe("LoadImage");
        error.ExceptionType.ShouldBe("PIL.UnidentifiedImageError");
        error.ExceptionMessage.ShouldStartWith("cannot identify image file 'broken.png'");
    }

    [Fact]
    public async Task Editing_the_file_makes_a_cached_LoadImage_run_again()
    {
        var prompt = Load.Replace("NAME", "sub/grey.png", StringComparison.Ordinal);
        await _runner.RunAsync(prompt, useCache: true);

        var (again, _) = await _runner.RunAsync(prompt, useCache: true, promptId: "p2");
        again.ExecutedNodes.ShouldBeEmpty();

        await File.WriteAllBytesAsync(Path.Combine(_runner.Folders.Input, "sub", "grey.png"), PngEncoder.Encode(Grey(0.8f)), TestContext.Current.CancellationToken);
        var (edited, _) = await _runner.RunAsync(prompt, useCache: true, promptId: "p3");

        edited.Outcome.ShouldBe(ExecutionOutcome.Success);
        edited.ExecutedNodes.ShouldBe(["1", "image", "mask"]);
    }

    private static ImageTensor Grey(float level)
    {
        var image = new ImageTensor(1, 1, 1, 3);
        image.WritableSpan.Fill(level);
        return image;
    }
}
