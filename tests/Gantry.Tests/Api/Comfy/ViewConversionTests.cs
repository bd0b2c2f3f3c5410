using System.Net;
using Gantry.Tests.Infrastructure;
using SkiaSharp;

namespace Gantry.Tests.Api.Comfy;

/// <summary>
/// <c>/view</c> and <c>/api/view</c> with <c>channel</c> and <c>preview</c>, as ComfyUI answers them: the results are
/// decoded and their pixels checked.
/// </summary>
public sealed class ViewConversionTests : IAsyncLifetime
{
    // Two pixels, unpremultiplied RGBA: half-transparent orange, opaque dark blue.
    private static readonly byte[] Pixels = [200, 100, 50, 128, 10, 20, 30, 255];

    // Four pixels of one colour (lossy encoders keep it), the first half-transparent.
    private static readonly byte[] Flat = [10, 20, 30, 128, 10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255];

    private GantryTestServer? _server;
    private TestUser? _user;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GantryTestServer Server => _server!;

    private HttpClient Client => _user!.Client;

    public async ValueTask InitializeAsync()
    {
        // Conversions decode at most 4 pixels here, so one past the bound is cheap to show.
        _server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Comfy:MaxImagePixels"] = "4" });
        _user = await Server.CreateUserAsync();
        var jobId = await JobDriver.SubmitAsync(Client);
        await TestFiles.ImportOutputsAsync(Server, _user.User.Id, jobId, "", new Dictionary<string, byte[]>
        {
            ["pair.png"] = RgbaPng(2, 1, Pixels),
            ["flat.png"] = RgbaPng(2, 2, Flat),
            ["wide.png"] = TestFiles.Png(5, 1),
            ["notes.txt"] = "not an image"u8.ToArray(),
        });
    }

    public async ValueTask DisposeAsync()
    {
        _user?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("view")]
    [InlineData("api/view")]
    public async Task Channel_rgb_drops_the_alpha_and_keeps_the_colours(string route)
    {
        var (type, bitmap) = await FetchAsync($"{route}?filename=pair.png&channel=rgb");
        using (bitmap)
        {
            type.ShouldBe("image/png");
            Pixel(bitmap, 0).ShouldBe((200, 100, 50, 255));
            Pixel(bitmap, 1).ShouldBe((10, 20, 30, 255));
        }
    }

    [Theory]
    [InlineData("view")]
    [InlineData("api/view")]
    public async Task Channel_a_is_black_with_the_images_alpha(string route)
    {
        var (type, bitmap) = await FetchAsync($"{route}?filename=pair.png&channel=a");
        using (bitmap)
        {
            type.ShouldBe("image/png");
            Pixel(bitmap, 0).ShouldBe((0, 0, 0, 128));
            Pixel(bitmap, 1).ShouldBe((0, 0, 0, 255));
        }
    }

    [Fact]
    public async Task Channel_rgba_or_none_is_the_file_as_stored()
    {
        var stored = RgbaPng(2, 1, Pixels);
        foreach (var path in new[] { "view?filename=pair.png", "view?filename=pair.png&channel=rgba", "view?filename=notes.txt&channel=rgba" })
        {
            using var response = await Client.GetAsync(path, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            if (path.Contains("pair", StringComparison.Ordinal))
            {
                (await response.Content.ReadAsByteArrayAsync(Ct)).ShouldBe(stored);
            }
        }
    }

    [Theory]
    [InlineData("view", "webp;90", null, "image/webp", SKEncodedImageFormat.Webp, true)]
    [InlineData("api/view", "webp;50", null, "image/webp", SKEncodedImageFormat.Webp, true)]
    [InlineData("view", "jpeg;80", null, "image/jpeg", SKEncodedImageFormat.Jpeg, false)]
    [InlineData("api/view", "jpeg;80", null, "image/jpeg", SKEncodedImageFormat.Jpeg, false)]
    [InlineData("view", "jpeg", "rgba", "image/webp", SKEncodedImageFormat.Webp, true)]
    [InlineData("view", "png;10", null, "image/webp", SKEncodedImageFormat.Webp, true)]
    [InlineData("view", "webp;90", "rgb", "image/webp", SKEncodedImageFormat.Webp, false)]
    public async Task Preview_reencodes_as_ComfyUI_does(string route, string preview, string? channel, string contentType, SKEncodedImageFormat format, bool keepsAlpha)
    {
        var path = $"{route}?filename=flat.png&preview={Uri.EscapeDataString(preview)}" + (channel is null ? "" : $"&channel={channel}");
        using var response = await Client.GetAsync(path, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe(contentType);
        response.Content.Headers.GetValues("Content-Disposition").ShouldHaveSingleItem().ShouldBe("filename=\"flat.png\"");
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        using var codec = SKCodec.Create(new MemoryStream(bytes)).ShouldNotBeNull();
        codec.EncodedFormat.ShouldBe(format);
        using var bitmap = Decode(bytes);
        bitmap.Width.ShouldBe(2);
        var (r, g, b, a) = Pixel(bitmap, 3);
        ((double)r).ShouldBe(10, tolerance: 8);
        ((double)g).ShouldBe(20, tolerance: 8);
        ((double)b).ShouldBe(30, tolerance: 8);
        ((double)Pixel(bitmap, 0).A).ShouldBe(keepsAlpha ? 128 : 255, tolerance: 2);
        a.ShouldBe(255);
    }

    [Theory]
    [InlineData("view?filename=notes.txt&channel=rgb")]
    [InlineData("view?filename=notes.txt&preview=webp;90")]
    [InlineData("view?filename=wide.png&channel=a")]
    [InlineData("api/view?filename=wide.png&preview=jpeg;80")]
    public async Task What_is_no_image_or_over_the_pixel_bound_is_refused(string path)
    {
        using var response = await Client.GetAsync(path, Ct);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
    }

    private async Task<(string Type, SKBitmap Bitmap)> FetchAsync(string path)
    {
        using var response = await Client.GetAsync(path, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (response.Content.Headers.ContentType!.MediaType!, Decode(await response.Content.ReadAsByteArrayAsync(Ct)));
    }

    private static SKBitmap Decode(byte[] bytes)
    {
        using var codec = SKCodec.Create(new MemoryStream(bytes)).ShouldNotBeNull();
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        codec.GetPixels(info, bitmap.GetPixels()).ShouldBe(SKCodecResult.Success);
        return bitmap;
    }

    private static (int R, int G, int B, int A) Pixel(SKBitmap bitmap, int x)
    {
        var span = bitmap.GetPixelSpan();
        return (span[x * 4], span[(x * 4) + 1], span[(x * 4) + 2], span[(x * 4) + 3]);
    }

    private static byte[] RgbaPng(int width, int height, byte[] pixels)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        pixels.CopyTo(bitmap.GetPixelSpan());
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
