using System.Net;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Api.Comfy;

/// <summary>Upload limits (bytes, edge, pixels) on a server configured with small ones.</summary>
public sealed class UploadLimitTests : IAsyncLifetime
{
    private GantryTestServer? _server;

    private GantryTestServer Server => _server!;

    public async ValueTask InitializeAsync()
        => _server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string>
        {
            ["Gantry:Comfy:MaxUploadBytes"] = "20000",
            ["Gantry:Comfy:MaxImageEdge"] = "64",
            ["Gantry:Comfy:MaxImagePixels"] = "1000",
        });

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("upload/image", HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("api/upload/image", HttpStatusCode.BadRequest)]
    public async Task Files_over_the_byte_limit_are_refused(string path, HttpStatusCode status)
    {
        using var user = await Server.CreateUserAsync();
        using var form = UploadApiTests.Form("big.bin", new byte[20001]);
        using var response = await user.Client.PostAsync(path, form, TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(status, "payload_too_large");

        using var fits = UploadApiTests.Form("small.bin", new byte[20000]);
        using var accepted = await user.Client.PostAsync(path, fits, TestContext.Current.CancellationToken);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(65, 1)]
    [InlineData(1, 65)]
    [InlineData(40, 40)]
    public async Task Images_over_the_edge_or_pixel_limit_are_refused(int width, int height)
    {
        using var user = await Server.CreateUserAsync();
        using var form = UploadApiTests.Form("wide.png", TestFiles.Png(width, height));
        using var response = await user.Client.PostAsync("api/upload/image", form, TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "image_too_large");
    }

    [Fact]
    public async Task Features_advertise_the_configured_limit()
    {
        using var anonymous = Server.CreateClient(apiKey: null);
        using var response = await anonymous.GetAsync("features", TestContext.Current.CancellationToken);
        (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("max_upload_size").GetInt64().ShouldBe(20000);
    }
}
