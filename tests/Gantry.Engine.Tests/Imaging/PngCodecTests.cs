using Gantry.Engine.Imaging;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Engine.Tests.Imaging;

public sealed class PngCodecTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Png_round_trip_gives_back_the_8_bit_values(int channels)
    {
        var image = TestImages.Random(1, 23, 37, channels, seed: channels);
        image.WritableSpan[0] = 1.7f;
        image.WritableSpan[1] = -0.2f;

        var decoded = ImageDecoder.Decode(PngEncoder.Encode(image));

        var expected = image.Span.ToArray().Select(v => PixelPacking.ToByte(v) / 255f).ToArray();
        for (var p = 0; p < 23 * 37; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                decoded.Image.Span[(p * 3) + c].ShouldBe(expected[(p * channels) + c]);
            }

            if (channels == 4)
            {
                decoded.Mask.Span[p].ShouldBe(1f - expected[(p * 4) + 3]);
            }
        }

        decoded.HasAlpha.ShouldBe(channels == 4);
        decoded.Format.ShouldBe("png");
    }

    [Fact]
    public void Grey_and_grey_alpha_frames_decode_to_equal_rgb()
    {
        var grey = TestImages.Random(1, 5, 6, 2, seed: 9);

        var decoded = ImageDecoder.Decode(PngEncoder.Encode(grey));

        var g = PixelPacking.ToByte(grey.Span[0]) / 255f;
        decoded.Image.Span[..3].ToArray().ShouldBe([g, g, g]);
        decoded.Mask.Span[0].ShouldBe(1f - (PixelPacking.ToByte(grey.Span[1]) / 255f));
        ImageDecoder.Decode(PngEncoder.Encode(TestImages.Random(1, 5, 6, 1, seed: 10))).HasAlpha.ShouldBeFalse();
    }

    [Fact]
    public void Opaque_files_get_ComfyUIs_64x64_empty_mask()
    {
        var decoded = ImageDecoder.Decode(PngEncoder.Encode(TestImages.Random(1, 3, 3, 3, seed: 1)));

        (decoded.Mask.Height, decoded.Mask.Width).ShouldBe((64, 64));
        decoded.Mask.Span.ToArray().ShouldAllBe(v => v == 0f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void Deflate_bands_stitch_into_one_valid_stream(int bands)
    {
        var image = TestImages.Random(1, 61, 45, 3, seed: bands);

        var png = PngEncoder.Encode(image.Frame(0), 45, 61, 3, new PngEncodeOptions { CompressionLevel = 6 }, bands, minBandBytes: 1);

        var decoded = ImageDecoder.Decode(png);
        TestImages.ShouldAllBeClose(decoded.Image.Span, image.Span.ToArray().Select(v => PixelPacking.ToByte(v) / 255f).ToArray(), 0f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public void Every_compression_level_decodes_to_the_same_pixels(int level)
    {
        var image = Smooth(64, 80);

        var png = PngEncoder.Encode(image, 0, new PngEncodeOptions { CompressionLevel = level });

        var naive = NaivePng.Encode(image.Frame(0), 80, 64, 3, level, []);
        ImageDecoder.Decode(png).Image.ShouldMatch(ImageDecoder.Decode(naive).Image, 0f);
    }

    [Fact]
    public void Stored_output_is_larger_than_compressed_output()
    {
        var image = Smooth(64, 80);

        var stored = PngEncoder.Encode(image, 0, new PngEncodeOptions { CompressionLevel = 0 });
        var packed = PngEncoder.Encode(image, 0, new PngEncodeOptions { CompressionLevel = 9 });

        stored.Length.ShouldBeGreaterThan(64 * 80 * 3);
        packed.Length.ShouldBeLessThan(stored.Length / 2);
    }

    [Fact]
    public void Flat_and_tiled_images_still_get_full_LZ77_compression()
    {
        var flat = new ImageTensor(1, 256, 256, 3);
        flat.WritableSpan.Fill(0.3f);
        var tiled = new ImageTensor(1, 256, 256, 3);
        var tile = TestImages.Random(1, 7, 5, 3, seed: 8).Span;
        var s = tiled.WritableSpan;
        for (var y = 0; y < 256; y++)
        {
            for (var x = 0; x < 256; x++)
            {
                tile.Slice((((y % 7) * 5) + (x % 5)) * 3, 3).CopyTo(s.Slice(((y * 256) + x) * 3, 3));
            }
        }

        // Run-length matching alone cannot see a 5-pixel period; the sampled choice must pick LZ77.
        PngEncoder.Encode(flat).Length.ShouldBeLessThan(2_000);
        var png = PngEncoder.Encode(tiled);
        png.Length.ShouldBeLessThan(256 * 256 * 3 / 20);
        ImageDecoder.Decode(png).Image.Span[..15].ToArray().ShouldBe(tile[..15].ToArray().Select(v => PixelPacking.ToByte(v) / 255f).ToArray());
    }

    [Fact]
    public void Text_chunks_follow_the_header_with_valid_CRCs_and_read_back()
    {
        var text = PngEncodeOptions.SaveImageText("{\"3\":{\"class_type\":\"KSampler\"}}", [new("workflow", "{\"nodes\":[]}"), new("note", "ünïcödé ✓")]);

        var png = PngEncoder.Encode(TestImages.Random(1, 4, 4, 3, seed: 2), 0, new PngEncodeOptions { TextChunks = text });

        var chunks = PngMetadata.ReadChunks(png);
        chunks.Select(c => c.Type).ShouldBe(["IHDR", "tEXt", "tEXt", "iTXt", "IDAT", "IEND"]);
        chunks.ShouldAllBe(c => c.CrcValid);
        PngMetadata.ReadText(png).ShouldBe(text);
    }

    [Fact]
    public void A_damaged_text_chunk_fails_its_CRC_and_is_skipped()
    {
        var png = PngEncoder.Encode(TestImages.Random(1, 2, 2, 3, seed: 3), 0, new PngEncodeOptions { TextChunks = [new("prompt", "{}")] });
        var text = PngMetadata.ReadChunks(png).Single(c => c.Type == "tEXt");
        png[text.DataOffset + text.Length - 1] ^= 0x01;

        PngMetadata.ReadChunks(png).Single(c => c.Type == "tEXt").CrcValid.ShouldBeFalse();
        PngMetadata.ReadText(png).ShouldBeEmpty();
    }

    [Fact]
    public void Bad_keywords_and_options_are_refused()
    {
        var image = TestImages.Random(1, 2, 2, 3, seed: 4);

        Should.Throw<ArgumentException>(() => PngEncoder.Encode(image, 0, new PngEncodeOptions { TextChunks = [new("", "x")] }));
        Should.Throw<ArgumentException>(() => PngEncoder.Encode(image, 0, new PngEncodeOptions { TextChunks = [new(new string('k', 80), "x")] }));
        Should.Throw<ArgumentOutOfRangeException>(() => PngEncoder.Encode(image, 0, new PngEncodeOptions { CompressionLevel = 10 }));
        Should.Throw<ArgumentOutOfRangeException>(() => PngEncoder.Encode(new ImageTensor(1, 2, 2, 5)));
    }

    [Fact]
    public void Crc32_and_Adler32_match_their_check_values()
    {
        System.IO.Hashing.Crc32.HashToUInt32("123456789"u8).ShouldBe(0xCBF43926u);
        Adler32.Compute("Wikipedia"u8).ShouldBe(0x11E60398u);
        var all = "a longer run of bytes, split anywhere"u8.ToArray();
        var first = all.AsSpan(0, 11);
        var second = all.AsSpan(11);
        Adler32.Combine(Adler32.Compute(first), Adler32.Compute(second), second.Length).ShouldBe(Adler32.Compute(all));
    }

    [Fact]
    public void Vector_filters_agree_with_the_PNG_definitions()
    {
        var random = new Random(5);
        foreach (var bpp in new[] { 1, 2, 3, 4 })
        {
            foreach (var length in new[] { bpp, 31, 32, 33, 100, 257 })
            {
                var previous = new byte[length];
                var current = new byte[length];
                random.NextBytes(previous);
                random.NextBytes(current);
                for (var type = 0; type < PngFilters.Count; type++)
                {
                    var filtered = new byte[length];
                    PngFilters.Filter(type, current, previous, bpp, filtered);
                    for (var i = 0; i < length; i++)
                    {
                        int a = i >= bpp ? current[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                        var predictor = type switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => PngFilters.Paeth(a, b, c) };
                        filtered[i].ShouldBe((byte)(current[i] - predictor), $"type {type}, bpp {bpp}, byte {i}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Adaptive_choice_takes_the_smallest_sum_of_signed_magnitudes()
    {
        // A row equal to the one above is all zeros under Up.
        byte[] previous = [10, 200, 30, 40, 50, 60];
        var scratch = new byte[6 * PngFilters.Count];
        var output = new byte[7];

        PngFilters.FilterAdaptive(previous, previous, 3, scratch, output);

        output.ShouldBe([2, 0, 0, 0, 0, 0, 0]);
    }

    [Fact]
    public void Float_to_byte_truncates_clamps_and_zeroes_NaN_in_every_lane()
    {
        var values = new float[1000];
        var random = new Random(6);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 1.4) - 0.2);
        }

        values[3] = float.NaN;
        values[40] = float.NaN;
        values[41] = float.PositiveInfinity;
        values[42] = float.NegativeInfinity;
        values[43] = 0.999f;
        var fast = new byte[values.Length];
        var naive = new byte[values.Length];

        PixelPacking.FloatsToBytes(values, fast);
        NaiveImaging.FloatsToBytes(values, naive);

        fast.ShouldBe(naive);
        (fast[3], fast[40], fast[41], fast[42], fast[43]).ShouldBe(((byte)0, (byte)0, (byte)255, (byte)0, (byte)254));
    }

    [Fact]
    public void Byte_to_float_is_byte_over_255_in_every_lane()
    {
        var bytes = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();
        var floats = new float[300];

        PixelPacking.BytesToFloats(bytes, floats);

        floats.ShouldBe(bytes.Select(b => b / 255f).ToArray());
    }

    private static ImageTensor Smooth(int height, int width)
    {
        var image = new ImageTensor(1, height, width, 3);
        var s = image.WritableSpan;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    s[(((y * width) + x) * 3) + c] = 0.5f + (0.45f * MathF.Sin((x * 0.1f) + c) * MathF.Cos(y * 0.07f));
                }
            }
        }

        return image;
    }
}
