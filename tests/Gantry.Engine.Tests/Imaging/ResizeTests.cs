using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Engine.Tests.Imaging;

public sealed class ResizeTests
{
    [Fact]
    public void Bilinear_upscale_of_2x2_to_4x4_matches_hand_computed_values()
    {
        var image = TestImages.Image(2, 2, 1, 0f, 1f, 2f, 3f);

        var output = ImageResize.Resize(image, 4, 4, ResizeMethod.Bilinear);

        // align_corners=False: source x = 0.5·(o + 0.5) − 0.5 → 0 (clamped), 0.25, 0.75, 1.25 (clamped to the last pixel).
        float[] expected =
        [
            0f, 0.25f, 0.75f, 1f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2f, 2.25f, 2.75f, 3f,
        ];
        TestImages.ShouldAllBeClose(output.Span, expected, 1e-6f);
    }

    [Fact]
    public void Nearest_exact_picks_floor_of_centre_times_scale()
    {
        var row = TestImages.Image(1, 3, 1, 10f, 20f, 30f);

        ImageResize.Resize(row, 2, 1, ResizeMethod.NearestExact).Span.ToArray().ShouldBe([10f, 30f]);
        var pair = TestImages.Image(1, 2, 1, 10f, 20f);
        ImageResize.Resize(pair, 5, 1, ResizeMethod.NearestExact).Span.ToArray().ShouldBe([10f, 10f, 20f, 20f, 20f]);
    }

    [Fact]
    public void Area_downscale_averages_blocks()
    {
        var image = TestImages.Image(4, 4, 1, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f);

        var output = ImageResize.Resize(image, 2, 2, ResizeMethod.Area);

        TestImages.ShouldAllBeClose(output.Span, [3.5f, 5.5f, 11.5f, 13.5f], 1e-6f);
    }

    [Fact]
    public void Area_with_uneven_windows_overlaps_them_like_adaptive_pooling()
    {
        var row = TestImages.Image(1, 3, 1, 0f, 3f, 6f);

        // Windows [0, 2) and [1, 3).
        TestImages.ShouldAllBeClose(ImageResize.Resize(row, 2, 1, ResizeMethod.Area).Span, [1.5f, 4.5f], 1e-6f);
    }

    [Theory]
    [InlineData(ResizeMethod.Bicubic)]
    [InlineData(ResizeMethod.Bilinear)]
    [InlineData(ResizeMethod.Area)]
    [InlineData(ResizeMethod.NearestExact)]
    public void Same_size_is_an_exact_copy(ResizeMethod method)
    {
        var image = TestImages.Random(2, 5, 6, 3, seed: 1);

        ImageResize.Resize(image, 6, 5, method).ShouldMatch(image, 0f);
    }

    [Fact]
    public void Bicubic_is_not_clamped_and_overshoots_at_a_step_edge()
    {
        var step = TestImages.Image(1, 4, 1, 0f, 0f, 1f, 1f);

        var output = ImageResize.Resize(step, 8, 1, ResizeMethod.Bicubic).Span.ToArray();

        output.Min().ShouldBeLessThan(0f);
        output.Max().ShouldBeGreaterThan(1f);
    }

    [Theory]
    [InlineData(ResizeMethod.NearestExact, 1)]
    [InlineData(ResizeMethod.Bilinear, 3)]
    [InlineData(ResizeMethod.Bicubic, 3)]
    [InlineData(ResizeMethod.Area, 3)]
    [InlineData(ResizeMethod.Bilinear, 4)]
    [InlineData(ResizeMethod.Bicubic, 4)]
    [InlineData(ResizeMethod.Area, 1)]
    public void Separable_path_agrees_with_the_naive_per_pixel_formula(ResizeMethod method, int channels)
    {
        var image = TestImages.Random(2, 37, 53, channels, seed: channels);
        (int Width, int Height, CropMode Crop)[] targets =
        [
            (101, 80, CropMode.Disabled),
            (20, 11, CropMode.Disabled),
            (53, 90, CropMode.Disabled),
            (70, 15, CropMode.Center),
            (16, 40, CropMode.Center),
        ];

        foreach (var (width, height, crop) in targets)
        {
            var fast = ImageResize.Resize(image, width, height, method, crop);
            var naive = NaiveResize.Resize(image, width, height, method, crop);
            fast.ShouldMatch(naive, 1e-5f);
        }
    }

    [Fact]
    public void Masks_resize_like_one_channel_images()
    {
        var mask = TestImages.RandomMask(2, 9, 13, seed: 4);
        var asImage = new Tensors.ImageTensor(2, 9, 13, 1);
        mask.Span.CopyTo(asImage.WritableSpan);

        var resized = ImageResize.Resize(mask, 20, 7, ResizeMethod.Bicubic, CropMode.Center);

        TestImages.ShouldAllBeClose(resized.Span, ImageResize.Resize(asImage, 20, 7, ResizeMethod.Bicubic, CropMode.Center).Span, 0f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Vectorised_lanczos_is_byte_exact_with_the_scalar_Pillow_transliteration(int channels)
    {
        var image = TestImages.Random(2, 29, 41, channels, seed: 20 + channels);
        (int Width, int Height)[] targets = [(67, 53), (13, 9), (41, 70), (90, 29), (5, 100)];

        foreach (var (width, height) in targets)
        {
            ImageResize.Resize(image, width, height, ResizeMethod.Lanczos).ShouldMatch(NaiveLanczos.Resize(image, width, height), 0f);
        }
    }

    [Fact]
    public void Lanczos_goes_through_bytes_even_at_the_same_size()
    {
        var image = TestImages.Image(1, 1, 3, 0.5f, 0.999f, 1.5f);

        var output = ImageResize.Resize(image, 1, 1, ResizeMethod.Lanczos);

        // 0.5·255 = 127.5 → 127; 0.999·255 = 254.7 → 254; above 1 clips to 255.
        output.Span.ToArray().ShouldBe([127 / 255f, 254 / 255f, 1f]);
    }

    [Fact]
    public void Lanczos_of_a_flat_image_stays_flat_at_any_size()
    {
        var image = new Tensors.ImageTensor(1, 13, 17, 3);
        image.WritableSpan.Fill(0.5f);

        var output = ImageResize.Resize(image, 40, 5, ResizeMethod.Lanczos);

        output.Span.ToArray().Distinct().ShouldBe([127 / 255f]);
    }

    [Fact]
    public void Lanczos_premultiplies_RGBA_like_Pillow_so_colour_loses_a_step()
    {
        var image = new Tensors.ImageTensor(1, 6, 6, 4);
        image.WritableSpan.Fill(0.5f);

        var output = ImageResize.Resize(image, 9, 4, ResizeMethod.Lanczos);

        // 127 premultiplied by alpha 127 is 63; 255·63 / 127 brings it back as 126.
        output.Span[..4].ToArray().ShouldBe([126 / 255f, 126 / 255f, 126 / 255f, 127 / 255f]);
    }

    [Fact]
    public void Center_crop_trims_the_longer_axis_symmetrically()
    {
        ResizeSizing.CenterCrop(100, 50, 50, 50).ShouldBe(new PixelRect(25, 0, 50, 50));
        ResizeSizing.CenterCrop(50, 100, 100, 50).ShouldBe(new PixelRect(0, 38, 50, 24));
        ResizeSizing.CenterCrop(64, 32, 128, 64).ShouldBe(new PixelRect(0, 0, 64, 32));
    }

    [Fact]
    public void ImageScale_sizes_a_zero_side_from_the_aspect_ratio()
    {
        ResizeSizing.ForTarget(640, 480, 320, 0).ShouldBe(new ImageSize(320, 240));
        ResizeSizing.ForTarget(640, 480, 0, 100).ShouldBe(new ImageSize(133, 100));
        ResizeSizing.ForTarget(1000, 3, 10, 0).ShouldBe(new ImageSize(10, 1));
    }

    [Fact]
    public void ImageScale_with_both_sides_zero_returns_the_input()
    {
        var image = TestImages.Random(1, 3, 3, 3, seed: 2);

        ImageResize.Scale(image, ResizeMethod.Bilinear, 0, 0, CropMode.Disabled).ShouldBeSameAs(image);
    }

    [Fact]
    public void ScaleBy_rounds_halves_to_even_like_Python()
    {
        ResizeSizing.ScaleBy(5, 7, 0.5).ShouldBe(new ImageSize(2, 4));
        ResizeSizing.ScaleBy(3, 3, 0.01).ShouldBe(new ImageSize(1, 1));
        ImageResize.ScaleBy(TestImages.Random(1, 7, 5, 3, seed: 3), ResizeMethod.Area, 0.5).Width.ShouldBe(2);
    }

    [Fact]
    public void ToTotalPixels_rounds_each_side_to_the_resolution_step()
    {
        ResizeSizing.ToTotalPixels(512, 512, 1.0).ShouldBe(new ImageSize(1024, 1024));
        // scale = √(524288 / 600000) ≈ 0.9348: 934.8 / 64 → 15 steps, 560.9 / 64 → 9 steps.
        ResizeSizing.ToTotalPixels(1000, 600, 0.5, 64).ShouldBe(new ImageSize(960, 576));
        ResizeSizing.ToTotalPixels(4000, 10, 0.0001, 8).Height.ShouldBe(8);
    }

    [Fact]
    public void Sizes_below_one_pixel_are_refused_with_a_clear_message()
    {
        var image = TestImages.Random(1, 2, 2, 3, seed: 5);

        Should.Throw<ArgumentOutOfRangeException>(() => ImageResize.Resize(image, 0, 4, ResizeMethod.Bilinear))
            .Message.ShouldContain("at least 1 pixel");
    }

    [Fact]
    public void Option_names_parse_as_ComfyUI_spells_them()
    {
        ResizeOptions.MethodNames.Select(ResizeOptions.ParseMethod).ShouldBe(
            [ResizeMethod.NearestExact, ResizeMethod.Bilinear, ResizeMethod.Area, ResizeMethod.Bicubic, ResizeMethod.Lanczos]);
        ResizeOptions.ParseCrop("center").ShouldBe(CropMode.Center);
        Should.Throw<ArgumentException>(() => ResizeOptions.ParseMethod("bislerp"));
    }
}
