using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Imaging.Geometry;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Tests.Imaging;

public sealed class DecoderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Png_exif_orientation_is_applied_like_exif_transpose(int orientation)
    {
        var image = Bytes(TestImages.Random(1, 3, 5, 3, seed: orientation));
        var png = CodecTestFiles.WithChunkAfterHeader(PngEncoder.Encode(image), "eXIf", CodecTestFiles.ExifOrientation(orientation));

        var decoded = ImageDecoder.Decode(png).Image;

        decoded.ShouldMatch(Upright(image, orientation), 0f);
    }

    [Fact]
    public void Jpeg_exif_orientation_6_turns_the_image_clockwise()
    {
        // Left half white, right half black: after a clockwise quarter turn the top is white, the bottom black.
        var image = new ImageTensor(1, 32, 64, 3);
        var s = image.WritableSpan;
        for (var y = 0; y < 32; y++)
        {
            s.Slice(y * 64 * 3, 32 * 3).Fill(1f);
        }

        var jpeg = CodecTestFiles.JpegWithExif(PreviewEncoder.EncodeJpeg(image, 0, 95), 6);

        var decoded = ImageDecoder.Decode(jpeg);

        (decoded.Image.Width, decoded.Image.Height).ShouldBe((32, 64));
        decoded.Image.Span[(8 * 32 * 3) + (16 * 3)].ShouldBeGreaterThan(0.9f);
        decoded.Image.Span[(56 * 32 * 3) + (16 * 3)].ShouldBeLessThan(0.1f);
        decoded.Format.ShouldBe("jpeg");
    }

    [Fact]
    public void Gif_decodes_its_first_frame_only()
    {
        var decoded = ImageDecoder.Decode(CodecTestFiles.TwoFrameGif);

        decoded.Image.Batch.ShouldBe(1);
        decoded.Image.Span[..3].ToArray().ShouldBe([1f, 0f, 0f]);
        decoded.Format.ShouldBe("gif");
    }

    [Fact]
    public void Lossless_webp_round_trips_colour_and_alpha()
    {
        var image = Bytes(TestImages.Random(1, 9, 11, 4, seed: 3));

        var decoded = ImageDecoder.Decode(PreviewEncoder.EncodeWebp(image, 0, 100, lossless: true));

        decoded.Format.ShouldBe("webp");
        decoded.HasAlpha.ShouldBeTrue();
        for (var p = 0; p < 99; p++)
        {
            decoded.Mask.Span[p].ShouldBe(1f - image.Span[(p * 4) + 3]);
            if (image.Span[(p * 4) + 3] > 0f)
            {
                decoded.Image.Span[p * 3].ShouldBe(image.Span[p * 4]);
            }
        }
    }

    [Fact]
    public void Jpeg_previews_are_close_and_quality_costs_bytes()
    {
        var image = new ImageTensor(2, 48, 40, 3);
        var s = image.WritableSpan;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = 0.5f + (0.3f * MathF.Sin(i * 0.001f));
        }

        var high = PreviewEncoder.EncodeJpeg(image, 1, 95);
        var low = PreviewEncoder.EncodeJpeg(image, 1, 10);

        var decoded = ImageDecoder.Decode(high).Image;
        (decoded.Width, decoded.Height).ShouldBe((40, 48));
        decoded.Span.ToArray().Zip(image.Frame(1).ToArray(), (a, b) => MathF.Abs(a - b)).Average().ShouldBeLessThan(0.02f);
        low.Length.ShouldBeLessThan(high.Length);
        ImageDecoder.Decode(PreviewEncoder.EncodeWebp(image, 0, 80)).Image.Width.ShouldBe(40);
    }

    [Fact]
    public async Task Empty_files_are_refused_clearly()
    {
        var error = await Fails([]);

        error.Message.ShouldContain("empty");
    }

    [Fact]
    public async Task Bytes_that_are_no_image_are_refused_clearly()
    {
        var noise = new byte[4096];
        new Random(1).NextBytes(noise);

        var error = await Fails(noise);

        error.Message.ShouldContain("not");
    }

    [Fact]
    public async Task A_png_cut_off_inside_its_pixel_data_is_refused()
    {
        var png = PngEncoder.Encode(TestImages.Random(1, 64, 64, 3, seed: 2), 0, new PngEncodeOptions { CompressionLevel = 0 });

        var error = await Fails(png[..(png.Length / 2)]);

        error.Message.ShouldContain("truncated");
    }

    [Fact]
    public async Task A_png_with_a_damaged_zlib_stream_is_refused()
    {
        var png = PngEncoder.Encode(TestImages.Random(1, 64, 64, 3, seed: 3));
        var idat = PngMetadata.ReadChunks(png).Single(c => c.Type == "IDAT");
        for (var i = idat.DataOffset + 2; i < idat.DataOffset + 40; i++)
        {
            png[i] = 0xFF;
        }

        await Fails(png);
    }

    [Fact]
    public async Task A_jpeg_cut_off_is_refused()
    {
        var jpeg = PreviewEncoder.EncodeJpeg(TestImages.Random(1, 64, 64, 3, seed: 4));

        var error = await Fails(jpeg[..(jpeg.Length / 3)]);

        error.Message.ShouldContain("truncated");
    }

    [Fact]
    public async Task A_header_without_pixels_is_refused()
    {
        await Fails(CodecTestFiles.PngHeaderOnly(16, 16));
        await Fails(CodecTestFiles.PngClaimingSize(16, 16));
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_before_decoding()
    {
        var error = await Fails(CodecTestFiles.PngClaimingSize(100_000, 100_000));

        error.Message.ShouldContain("pixels allowed");
    }

    [Fact]
    public void The_chunk_reader_refuses_non_png_and_truncated_chunks()
    {
        Should.Throw<ImageDecodeException>(() => PngMetadata.ReadChunks("GIF89a"u8));
        var header = CodecTestFiles.PngHeaderOnly(4, 4);
        Should.Throw<ImageDecodeException>(() => PngMetadata.ReadChunks(header.AsSpan(0, header.Length - 3)));
    }

    /// <summary>Decodes on another thread, bounded so a hang fails the test instead of stalling the run.</summary>
    private static async Task<ImageDecodeException> Fails(byte[] data)
    {
        var attempt = Task.Run(() => ImageDecoder.Decode(data), TestContext.Current.CancellationToken);
        var error = await Should.ThrowAsync<ImageDecodeException>(attempt.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        error.Message.ShouldNotBeNullOrWhiteSpace();
        return error;
    }

    /// <summary>The image with every sample already on a byte step, so PNG and WebP keep it exactly.</summary>
    private static ImageTensor Bytes(ImageTensor image)
    {
        var s = image.WritableSpan;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = MathF.Floor(s[i] * 255f) / 255f;
        }

        return image;
    }

    /// <summary>What PIL's exif_transpose does for each orientation, composed from flips and quarter turns.</summary>
    private static ImageTensor Upright(ImageTensor image, int orientation) => orientation switch
    {
        2 => ImageGeometry.Flip(image, FlipAxis.Horizontal),
        3 => ImageGeometry.Rotate(image, Rotation.Clockwise180),
        4 => ImageGeometry.Flip(image, FlipAxis.Vertical),
        5 => ImageGeometry.Flip(ImageGeometry.Rotate(image, Rotation.Clockwise90), FlipAxis.Horizontal),
        6 => ImageGeometry.Rotate(image, Rotation.Clockwise90),
        7 => ImageGeometry.Flip(ImageGeometry.Rotate(image, Rotation.Clockwise270), FlipAxis.Horizontal),
        8 => ImageGeometry.Rotate(image, Rotation.Clockwise270),
        _ => image,
    };
}
