using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>
/// SaveAnimatedPNG and SaveAnimatedWEBP on the engine and on the real ComfyUI: the frames both files decode to (by
/// readers independent of the engine's writers), their delays, the file structure (APNG chunks and frame boxes;
/// WebP canvas, features, loop and EXIF), and the history entries with the <c>animated</c> flag.
/// </summary>
[Collection(RealComfyUiCollection.Name)]
public sealed partial class AnimationFidelityTests
{
    /// <summary>Five frames of L1: L1, L1 with a patch, that again (dropped or merged), L1 inverted, L1.</summary>
    private const string RgbFrames = """
        "e": {"class_type": "EmptyImage", "inputs": {"width": 9, "height": 7, "batch_size": 1, "color": 11259375}},
        "c": {"class_type": "ImageCompositeMasked", "inputs": {"destination": ["L1", 0], "source": ["e", 0], "x": 5, "y": 3, "resize_source": false}},
        "i": {"class_type": "ImageInvert", "inputs": {"image": ["L1", 0]}},
        "b1": {"class_type": "ImageBatch", "inputs": {"image1": ["L1", 0], "image2": ["c", 0]}},
        "b2": {"class_type": "ImageBatch", "inputs": {"image1": ["b1", 0], "image2": ["c", 0]}},
        "b3": {"class_type": "ImageBatch", "inputs": {"image1": ["b2", 0], "image2": ["i", 0]}},
        "1": {"class_type": "ImageBatch", "inputs": {"image1": ["b3", 0], "image2": ["L1", 0]}}
        """;

    /// <summary>Three RGBA frames of L2: A, A with its alpha inverted (same colours), A with its colours inverted.</summary>
    private const string RgbaFrames = """
        "a": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["L2", 0], "alpha": ["L2", 1]}},
        "m": {"class_type": "InvertMask", "inputs": {"mask": ["L2", 1]}},
        "a2": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["L2", 0], "alpha": ["m", 0]}},
        "i": {"class_type": "ImageInvert", "inputs": {"image": ["L2", 0]}},
        "a3": {"class_type": "JoinImageWithAlpha", "inputs": {"image": ["i", 0], "alpha": ["L2", 1]}},
        "b1": {"class_type": "ImageBatch", "inputs": {"image1": ["a", 0], "image2": ["a2", 0]}},
        "1": {"class_type": "ImageBatch", "inputs": {"image1": ["b1", 0], "image2": ["a3", 0]}}
        """;

    public static TheoryData<string> PngCases => ["rgb-fps7-level4", "rgb-fps1000-level0", "rgba-fps2.5-level9"];

    public static TheoryData<string> WebpCases => ["rgb-lossless", "rgba-lossless", "single-frame", "equal-frames", "rgb-lossy-q80", "rgba-lossy-q50"];

    [Theory]
    [MemberData(nameof(PngCases))]
    public async Task SaveAnimatedPNG_writes_what_ComfyUI_writes(string name)
    {
        Assert.SkipWhen(RealComfyUiTier.SkipReason is not null, RealComfyUiTier.SkipReason ?? string.Empty);
        var (frames, fps, level) = name switch
        {
            "rgb-fps7-level4" => (RgbFrames, "7.0", 4),
            "rgb-fps1000-level0" => (RgbFrames, "1000.0", 0),
            _ => (RgbaFrames, "2.5", 9),
        };
        var (expected, actual) = await RunBothAsync(frames, $$$""" "S": {"class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "fid_apng_{{{name}}}", "fps": {{{fps}}}, "compress_level": {{{level}}}}} """);

        var e = AnimationFrames.DecodeApng(expected.Images.Single().Png);
        var a = AnimationFrames.DecodeApng(actual.Images.Single().Png);
        (a.Width, a.Height, a.Channels, a.Frames.Count).ShouldBe((e.Width, e.Height, e.Channels, e.Frames.Count));
        for (var i = 0; i < e.Frames.Count; i++)
        {
            a.Frames[i].Samples.ShouldBe(e.Frames[i].Samples, $"frame {i}");
            a.Frames[i].DelayMilliseconds.ShouldBe(e.Frames[i].DelayMilliseconds, $"delay of frame {i}");
        }

        PngStructure(actual.Images.Single().Png).ShouldBe(PngStructure(expected.Images.Single().Png));
        Outputs(actual.History).ShouldBe(Outputs(expected.History));
    }

    [Theory]
    [MemberData(nameof(WebpCases))]
    public async Task SaveAnimatedWEBP_writes_what_ComfyUI_writes(string name)
    {
        Assert.SkipWhen(RealComfyUiTier.SkipReason is not null, RealComfyUiTier.SkipReason ?? string.Empty);
        var (frames, lossless, quality, bound) = name switch
        {
            "rgb-lossless" => (RgbFrames, true, 80, 0),
            "rgba-lossless" => (RgbaFrames, true, 80, 0),
            "single-frame" => (""" "1": {"class_type": "ImageInvert", "inputs": {"image": ["L3", 0]}} """, true, 100, 0),
            "equal-frames" => (""" "1": {"class_type": "RepeatImageBatch", "inputs": {"image": ["L1", 0], "amount": 3}} """, true, 80, 0),
            "rgb-lossy-q80" => (RgbFrames, false, 80, LossyBound),
            _ => (RgbaFrames, false, 50, LossyBound),
        };
        var (expected, actual) = await RunBothAsync(frames, Save(name, lossless, quality));

        var e = AnimationFrames.DecodeWebp(expected.Images.Single().Png);
        var a = AnimationFrames.DecodeWebp(actual.Images.Single().Png);
        (a.Width, a.Height).ShouldBe((e.Width, e.Height));
        a.Frames.Select(f => f.DelayMilliseconds).ShouldBe(e.Frames.Select(f => f.DelayMilliseconds), "frames and their durations");
        var worst = 0;
        for (var i = 0; i < e.Frames.Count; i++)
        {
            worst = Math.Max(worst, VisibleDifference(e.Frames[i].Samples, a.Frames[i].Samples));
        }

        TestContext.Current.SendDiagnosticMessage($"{name}: {e.Frames.Count} frames, at most {worst} levels apart (allowed {bound})");
        worst.ShouldBeLessThanOrEqualTo(bound);
        if (!lossless)
        {
            // Both lossy files against the frames themselves (the engine's lossless encoding of the same batch, exact
            // as shown above): the engine's loss stays within ComfyUI's.
            var (_, source) = await RunBothAsync(frames, Save(name, lossless: true, quality));
            var original = AnimationFrames.DecodeWebp(source.Images.Single().Png);
            var comfyLoss = MeanLoss(original, e);
            var engineLoss = MeanLoss(original, a);
            TestContext.Current.SendDiagnosticMessage($"{name}: mean loss against the frames: ComfyUI {comfyLoss:F2} levels, engine {engineLoss:F2}");
            engineLoss.ShouldBeLessThanOrEqualTo(comfyLoss * 1.25, "the engine's lossy frames are no worse than ComfyUI's");
        }

        WebpStructure(actual.Images.Single().Png).ShouldBe(WebpStructure(expected.Images.Single().Png));
        Outputs(actual.History).ShouldBe(Outputs(expected.History));
    }

    private static string Save(string name, bool lossless, int quality) =>
        $$$""" "S": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": "fid_webp_{{{name}}}", "fps": 7.0, "lossless": {{{(lossless ? "true" : "false")}}}, "quality": {{{quality}}}, "method": "default"}} """;

    /// <summary>The mean absolute channel difference of a lossy animation's visible pixels from the original frames.</summary>
    private static double MeanLoss(Animation original, Animation lossy)
    {
        long sum = 0, count = 0;
        for (var i = 0; i < original.Frames.Count; i++)
        {
            var (o, l) = (original.Frames[i].Samples, lossy.Frames[i].Samples);
            for (var p = 0; p < o.Length; p += 4)
            {
                for (var c = o[p + 3] == 0 ? 3 : 0; c < 4; c++)
                {
                    sum += Math.Abs(o[p + c] - l[p + c]);
                    count++;
                }
            }
        }

        return (double)sum / count;
    }

    /// <summary>Lossy frames: both sides are libwebp at the same quality, but ComfyUI's encodes later frames as changed rectangles.</summary>
    private const int LossyBound = 40;

    private static async Task<(SideResult Expected, SideResult Actual)> RunBothAsync(string nodes, string save)
    {
        var prompt = FidelityCases.Prompt(nodes, save);
        await using var comfy = await ComfyUiDirect.ConnectAsync(RealComfyUiTier.Url!);
        var expected = await FidelityRun.OnComfyUiAsync(comfy, prompt);
        var actual = await FidelityRun.OnEngineAsync(prompt);
        expected.Images.Count.ShouldBe(1);
        actual.Images.Count.ShouldBe(1);
        return (expected, actual);
    }

    /// <summary>The largest channel difference over pixels visible on either side (alpha 0 on both hides colour libwebp may change).</summary>
    private static int VisibleDifference(byte[] expected, byte[] actual)
    {
        var worst = 0;
        for (var p = 0; p < expected.Length; p += 4)
        {
            var hidden = expected[p + 3] == 0 && actual[p + 3] == 0;
            for (var c = hidden ? 3 : 0; c < 4; c++)
            {
                worst = Math.Max(worst, Math.Abs(expected[p + c] - actual[p + c]));
            }
        }

        return worst;
    }

    /// <summary>IHDR, acTL, each fcTL but its sequence number, the private chunks, and the chunk order (runs of IDAT or fdAT as one).</summary>
    private static string PngStructure(byte[] png)
    {
        var lines = new List<string>();
        foreach (var chunk in PngMetadata.ReadChunks(png))
        {
            var data = png.AsSpan(chunk.DataOffset, chunk.Length);
            var line = chunk.Type switch
            {
                "IHDR" or "acTL" => $"{chunk.Type} {Convert.ToHexString(data)}",
                "fcTL" => $"fcTL {Convert.ToHexString(data[4..])}",
                "comf" => $"comf {Encoding.Latin1.GetString(data)}",
                _ => chunk.Type,
            };
            if (lines.Count == 0 || lines[^1] != line || chunk.Type is not ("IDAT" or "fdAT"))
            {
                lines.Add(line);
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>
    /// The top-level chunks in order with VP8X, ANIM and EXIF in full (ANMF frames by count only: ComfyUI crops them).
    /// VP8X's alpha flag is left out: libwebp's animation encoder sets it whenever one of its cropped frames leaves
    /// unchanged pixels transparent for blending, which depends on its choices, not on the images' alpha.
    /// </summary>
    private static string WebpStructure(byte[] webp)
    {
        var lines = new List<string> { Encoding.ASCII.GetString(webp, 0, 4) + Encoding.ASCII.GetString(webp, 8, 4) };
        for (var at = 12; at + 8 <= webp.Length;)
        {
            var type = Encoding.ASCII.GetString(webp, at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(at + 4));
            var data = webp.AsSpan(at + 8, size);
            lines.Add(type switch
            {
                "VP8X" => $"VP8X {data[0] & ~0x10:X2}{Convert.ToHexString(data[1..])}",
                "ANIM" => $"ANIM {Convert.ToHexString(data)}",
                "EXIF" => $"EXIF {Convert.ToHexString(data)}",
                "VP8 " or "VP8L" or "ALPH" => "bitstream",
                _ => type,
            });
            at += 8 + size + (size & 1);
        }

        return string.Join('\n', lines.Distinct());
    }

    private static string Outputs(JsonElement history) =>
        Counter().Replace(JsonSerializer.Serialize(history.GetProperty("outputs")), "_#####_.");

    [GeneratedRegex(@"_\d{5}_\.")]
    private static partial Regex Counter();
}
