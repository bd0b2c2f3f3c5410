using System.Net;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using SkiaSharp;

namespace Gantry.Tests.Api.Editor;

/// <summary><c>/api/upload/mask</c> (the original with the mask's alpha, as ComfyUI makes it) and <c>/api/files/mask-layers</c>.</summary>
public sealed class MaskApiTests(SqliteServerFixture fixture) : ServerTestBase(fixture), IClassFixture<SqliteServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("api/upload/mask")]
    [InlineData("upload/mask")]
    public async Task The_stored_file_is_the_original_with_the_masks_alpha(string route)
    {
        using var user = await Server.CreateUserAsync();
        await UploadAsync(user, "orig.png", TestFiles.Png(4, 3, new SKColor(200, 10, 20, 255)));
        using var form = UploadApiTests.Form("masked.png", Mask(4, 3, alphaOfLeftHalf: 0));
        form.Add(new StringContent("""{"filename": "orig.png", "subfolder": "", "type": "input"}"""), "original_ref");
        using var response = await user.Client.PostAsync(route, form, Ct);
        var body = await response.JsonOkAsync();
        body.GetProperty("name").GetString().ShouldBe("masked.png");
        body.GetProperty("type").GetString().ShouldBe("input");

        using var stored = await user.Client.GetAsync("view?filename=masked.png&type=input", Ct);
        using var bitmap = SKBitmap.Decode(await stored.Content.ReadAsByteArrayAsync(Ct));
        bitmap.Width.ShouldBe(4);
        bitmap.GetPixel(0, 0).Alpha.ShouldBe((byte)0);
        var kept = bitmap.GetPixel(3, 2);
        kept.Alpha.ShouldBe((byte)255);
        (kept.Red, kept.Green, kept.Blue).ShouldBe(((byte)200, (byte)10, (byte)20));
    }

    [Theory]
    [InlineData("""{"filename": "orig.png", "type": "input"}""", 5, 3)]
    [InlineData("""{"filename": "missing.png", "type": "input"}""", 4, 3)]
    [InlineData("""{"filename": "../../orig.png", "type": "input"}""", 4, 3)]
    [InlineData("""{"filename": "orig.png", "type": "models"}""", 4, 3)]
    [InlineData("""{"filename": 3}""", 4, 3)]
    [InlineData("not json", 4, 3)]
    [InlineData("", 4, 3)]
    public async Task A_mask_without_a_usable_original_is_refused_and_nothing_is_stored(string originalRef, int width, int height)
    {
        using var user = await Server.CreateUserAsync();
        await UploadAsync(user, "orig.png", TestFiles.Png(4, 3));
        using var form = UploadApiTests.Form("masked.png", Mask(width, height, alphaOfLeftHalf: 0));
        form.Add(new StringContent(originalRef), "original_ref");
        using var response = await user.Client.PostAsync("api/upload/mask", form, Ct);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        using var absent = await user.Client.GetAsync("view?filename=masked.png&type=input", Ct);
        absent.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_users_original_cannot_be_masked()
    {
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        await UploadAsync(alice, "private.png", TestFiles.Png(4, 3));
        using var form = UploadApiTests.Form("stolen.png", Mask(4, 3, alphaOfLeftHalf: 0));
        form.Add(new StringContent("""{"filename": "private.png", "type": "input"}"""), "original_ref");
        using var response = await bob.Client.PostAsync("api/upload/mask", form, Ct);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Mask_layers_saved_together_are_found_from_any_of_them()
    {
        using var user = await Server.CreateUserAsync();
        await UploadAsync(user, "clipspace-mask-77.png", TestFiles.Png(2, 2), "clipspace");
        await UploadAsync(user, "clipspace-painted-masked-77.png", TestFiles.Png(2, 2), "clipspace");
        using (var layers = await user.Client.GetAsync("api/files/mask-layers?filename=clipspace-painted-masked-77.png", Ct))
        {
            var body = await layers.JsonOkAsync();
            body.GetProperty("mask").GetString().ShouldBe("clipspace-mask-77.png");
            body.GetProperty("painted_masked").GetString().ShouldBe("clipspace-painted-masked-77.png");
            body.GetProperty("paint").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        }

        using var other = await Server.CreateUserAsync();
        using (var theirs = await other.Client.GetAsync("api/files/mask-layers?filename=clipspace-mask-77.png", Ct))
        {
            await theirs.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
        }

        using var notMask = await user.Client.GetAsync("api/files/mask-layers?filename=cat.png", Ct);
        await notMask.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    private static async Task UploadAsync(TestUser user, string name, byte[] png, string? subfolder = null)
    {
        using var form = UploadApiTests.Form(name, png, subfolder: subfolder, overwrite: "true");
        using var response = await user.Client.PostAsync("api/upload/image", form, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>A mask image: transparent (alpha <paramref name="alphaOfLeftHalf"/>) on its left half, opaque on the right.</summary>
    private static byte[] Mask(int width, int height, byte alphaOfLeftHalf)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor(0, 0, 0, x < width / 2 ? alphaOfLeftHalf : (byte)255));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
