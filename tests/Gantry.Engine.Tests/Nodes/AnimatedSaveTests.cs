using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.TestSupport.Imaging;
using Gantry.Engine.Tests.Nodes.Support;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>
/// SaveAnimatedPNG and SaveAnimatedWEBP: the frames an independent reader decodes, the file structure Pillow
/// writes (dropped repeats, changed boxes, merged durations), the metadata chunks and the UI.
/// </summary>
public sealed class AnimatedSaveTests : IDisposable
{
    private const int Width = 5;
    private const int Height = 4;
    private static readonly JObject Extra = (JObject)JParser.Parse("""{"extra_pnginfo": {"workflow": {"id": "w", "note": "é ✓"}}}""");

    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task SaveAnimatedPNG_drops_repeated_frames_and_writes_later_ones_as_their_changed_box_as_Pillow_does()
    {
        // Frames A, B (A with two pixels changed), B again, A: Pillow writes A whole, B's box, and A's box again.
        var (a, b) = (Frame(0), Frame(0));
        Set(b, 1, 1, 1f);
        Set(b, 3, 2, 0f);
        var (result, _) = await _runner.RunAsync(Prompt([a, b, b, a], 3, """ "class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "anim/p", "fps": 7.0, "compress_level": 9} """), Extra);

        result.OutputsJson().ShouldBeJson("""{"2": {"images": [{"filename": "p_00001_.png", "subfolder": "anim", "type": "output"}], "animated": [true]}}""");
        var png = await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, "anim", "p_00001_.png"), TestContext.Current.CancellationToken);
        var animation = AnimationFrames.DecodeApng(png);
        animation.Frames.Count.ShouldBe(3);
        animation.Frames.Select(f => f.Samples).ShouldBe([Bytes(a), Bytes(b), Bytes(a)]);
        animation.Frames.ShouldAllBe(f => f.DelayMilliseconds == 142);
        var chunks = PngMetadata.ReadChunks(png);
        chunks.Select(c => c.Type).ShouldBe(["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "fcTL", "fdAT", "comf", "comf", "IEND"]);
        chunks.ShouldAllBe(c => c.CrcValid);
        var box = png.AsSpan(chunks[4].DataOffset, 26);
        (BinaryPrimitives.ReadInt32BigEndian(box), BinaryPrimitives.ReadInt32BigEndian(box[4..]), BinaryPrimitives.ReadInt32BigEndian(box[8..]),
            BinaryPrimitives.ReadInt32BigEndian(box[12..]), BinaryPrimitives.ReadInt32BigEndian(box[16..])).ShouldBe((1, 3, 2, 1, 1));
        BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(chunks[5].DataOffset)).ShouldBe(2, "fdAT sequence number");
        var texts = chunks.Where(c => c.Type == "comf").Select(c => Encoding.Latin1.GetString(png, c.DataOffset, c.Length)).ToList();
        texts[0].ShouldStartWith("prompt\0{\"1\": {\"class_type\": \"TestImage\"");
        texts[1].ShouldBe("workflow\0{\"id\": \"w\", \"note\": \"\\u00e9 \\u2713\"}");
    }

    [Fact]
    public async Task SaveAnimatedPNG_ignores_alpha_when_it_compares_frames_as_Pillow_does()
    {
        var (a, b) = (Frame(0, channels: 4), Frame(0, channels: 4));
        b[3] = 0.5f;
        var (result, _) = await _runner.RunAsync(Prompt([a, b], 4, """ "class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "alpha", "fps": 1000.0, "compress_level": 0} """));

        var animation = AnimationFrames.DecodeApng(await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, result.Files().Single().Filename), TestContext.Current.CancellationToken));
        animation.Channels.ShouldBe(4);
        animation.Frames.Count.ShouldBe(1);
        animation.Frames[0].Samples.ShouldBe(Bytes(a));
        animation.Frames[0].DelayMilliseconds.ShouldBe(1);
    }

    [Fact]
    public async Task SaveAnimatedPNG_refuses_a_delay_past_16_bits_as_ComfyUI_does_and_writes_nothing()
    {
        var error = await _runner.FailureAsync(Prompt([Frame(0), Frame(1)], 3, """ "class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "slow", "fps": 0.015, "compress_level": 4} """));

        error.ExceptionType.ShouldBe("struct.error");
        error.ExceptionMessage.ShouldStartWith("'H' format requires 0 <= number <= 65535");
        Directory.EnumerateFiles(_runner.Folders.Output).ShouldBeEmpty();
    }

    [Fact]
    public async Task SaveAnimatedPNG_fails_as_ComfyUI_does_on_a_metadata_key_outside_Latin_1()
    {
        var (result, _) = await _runner.RunAsync(
            Prompt([Frame(0), Frame(1)], 3, """ "class_type": "SaveAnimatedPNG", "inputs": {"images": ["1", 0], "filename_prefix": "uni", "fps": 6.0, "compress_level": 4} """),
            (JObject)JParser.Parse("""{"extra_pnginfo": {"wf\u2713": 1}}"""));

        var error = result.Error.ShouldNotBeNull();
        error.ExceptionType.ShouldBe("UnicodeEncodeError");
        error.ExceptionMessage.ShouldStartWith("'latin-1' codec can't encode character '\\u2713' in position 2: ordinal not in range(256)");
        Directory.EnumerateFiles(_runner.Folders.Output).ShouldBeEmpty();
    }

    [Fact]
    public async Task SaveAnimatedWEBP_lossless_frames_decode_exactly_and_repeats_are_merged_into_longer_frames()
    {
        var (a, b, c) = (Frame(0), Frame(1), Frame(2));
        var (result, _) = await _runner.RunAsync(Prompt([a, b, b, c], 3, Webp(lossless: true, quality: 80)), Extra);

        result.OutputsJson().ShouldBeJson("""{"2": {"images": [{"filename": "w_00001_.webp", "subfolder": "", "type": "output"}], "animated": [true]}}""");
        var webp = await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, "w_00001_.webp"), TestContext.Current.CancellationToken);
        var animation = AnimationFrames.DecodeWebp(webp);
        animation.Frames.Select(f => f.DelayMilliseconds).ShouldBe([142, 284, 142]);
        animation.Frames.Select(f => Rgb(f.Samples)).ShouldBe([Bytes(a), Bytes(b), Bytes(c)]);
        RiffChunks(webp).ShouldBe(["VP8X", "ANIM", "ANMF", "ANMF", "ANMF", "EXIF"]);
        var exif = Encoding.Latin1.GetString(RiffChunk(webp, "EXIF"));
        exif.ShouldStartWith("Exif\0\0MM\0*\0\0\0\x08\0\x02\x01\x0f\0\x02");
        exif.ShouldContain("workflow:{\"id\": \"w\", \"note\": \"\\u00e9 \\u2713\"}\0");
        exif.ShouldContain("prompt:{\"1\": {\"class_type\": \"TestImage\"");
    }

    [Fact]
    public async Task SaveAnimatedWEBP_lossy_frames_stay_within_a_few_levels_of_smooth_input()
    {
        var frames = Enumerable.Range(0, 2).Select(k => Gradient(k)).ToArray();
        var (result, _) = await _runner.RunAsync(Prompt(frames, 3, Webp(lossless: false, quality: 90)));

        var animation = AnimationFrames.DecodeWebp(await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, result.Files().Single().Filename), TestContext.Current.CancellationToken));
        animation.Frames.Count.ShouldBe(2);
        for (var k = 0; k < 2; k++)
        {
            var expected = Bytes(frames[k]);
            var actual = Rgb(animation.Frames[k].Samples);
            expected.Zip(actual, (e, d) => Math.Abs(e - d)).Max().ShouldBeLessThanOrEqualTo(24, $"frame {k}");
        }
    }

    [Fact]
    public async Task SaveAnimatedWEBP_writes_one_frame_as_a_still_image_not_marked_animated()
    {
        var frame = Frame(0, channels: 4);
        var (result, _) = await _runner.RunAsync(Prompt([frame], 4, Webp(lossless: true, quality: 100)), Extra);

        result.OutputsJson().ShouldBeJson("""{"2": {"images": [{"filename": "w_00001_.webp", "subfolder": "", "type": "output"}], "animated": [false]}}""");
        var webp = await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, "w_00001_.webp"), TestContext.Current.CancellationToken);
        RiffChunks(webp).ShouldBe(["VP8X", "VP8L", "EXIF"]);
        (RiffChunk(webp, "VP8X")[0] & 0x1A).ShouldBe(0x18, "alpha and EXIF, not animated");
        Encoding.Latin1.GetString(RiffChunk(webp, "EXIF")).ShouldStartWith("MM\0*");
        AnimationFrames.DecodeWebp(webp).Frames.Single().Samples.ShouldBe(Bytes(frame));
    }

    [Fact]
    public async Task SaveAnimatedWEBP_writes_equal_frames_as_one_still_image_that_keeps_the_animation_EXIF()
    {
        var frame = Frame(5);
        var (result, _) = await _runner.RunAsync(Prompt([frame, frame, frame], 3, Webp(lossless: false, quality: 80)));

        result.OutputsJson().ShouldBeJson("""{"2": {"images": [{"filename": "w_00001_.webp", "subfolder": "", "type": "output"}], "animated": [true]}}""");
        var webp = await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, "w_00001_.webp"), TestContext.Current.CancellationToken);
        RiffChunks(webp).ShouldBe(["VP8X", "VP8 ", "EXIF"]);
        RiffChunk(webp, "VP8X")[0].ShouldBe((byte)0x08);
        Encoding.Latin1.GetString(RiffChunk(webp, "EXIF")).ShouldStartWith("Exif\0\0MM");
    }

    [Fact]
    public void The_EXIF_block_is_laid_out_as_Pillow_writes_it()
    {
        var exif = ExifText.Build([(0x0110, "prompt:{}"), (0x010F, "ab"), (0x010E, "é")]);

        Convert.ToHexString(exif).ShouldBe(
            "457869660000" + "4D4D002A00000008" + "0003" +
            "010E000200000002" + "3F000000" +
            "010F000200000003" + "61620000" +
            "011000020000000A" + "00000032" +
            "00000000" + "70726F6D70743A7B7D00");
    }

    private static string Webp(bool lossless, int quality) =>
        $$""" "class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": "w", "fps": 7.0, "lossless": {{(lossless ? "true" : "false")}}, "quality": {{quality}}, "method": "default"} """;

    private static string Prompt(float[][] frames, int channels, string save)
    {
        var samples = string.Join(' ', frames.SelectMany(f => f).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return $$$"""
            {"1": {"class_type": "TestImage", "inputs": {"batch": {{{frames.Length}}}, "height": {{{Height}}}, "width": {{{Width}}}, "channels": {{{channels}}}, "samples": "{{{samples}}}"}},
             "2": { {{{save}}} }}
            """;
    }

    /// <summary>A deterministic frame with a pattern that depends on <paramref name="seed"/>.</summary>
    private static float[] Frame(int seed, int channels = 3)
    {
        var frame = new float[Width * Height * channels];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = ((i * 37) + (seed * 101)) % 256 / 255f;
        }

        return frame;
    }

    private static float[] Gradient(int shift)
    {
        var frame = new float[Width * Height * 3];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = (96 + (i % 15 * 4) + (shift * 8)) / 255f;
        }

        return frame;
    }

    private static void Set(float[] frame, int x, int y, float value) => frame[((y * Width) + x) * 3] = value;

    private static byte[] Bytes(float[] frame) => [.. frame.Select(v => (byte)Math.Clamp(v * 255f, 0, 255))];

    private static byte[] Rgb(byte[] rgba) => [.. rgba.Where((_, i) => i % 4 != 3)];

    private static List<string> RiffChunks(byte[] webp)
    {
        var types = new List<string>();
        for (var at = 12; at + 8 <= webp.Length;)
        {
            types.Add(Encoding.ASCII.GetString(webp, at, 4));
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(at + 4));
            at += 8 + size + (size & 1);
        }

        return types;
    }

    private static byte[] RiffChunk(byte[] webp, string type)
    {
        for (var at = 12; at + 8 <= webp.Length;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(at + 4));
            if (Encoding.ASCII.GetString(webp, at, 4) == type)
            {
                return webp.AsSpan(at + 8, size).ToArray();
            }

            at += 8 + size + (size & 1);
        }

        throw new ShouldAssertException($"no {type} chunk");
    }
}
