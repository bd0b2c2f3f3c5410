using System.Net;
using System.Net.Http.Headers;
using Gantry.Outputs;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Gantry.Tests.Api.Comfy;

/// <summary>
/// Uploads the file system cannot take are client errors: 4xx with the usual body, nothing written (no blob, no input
/// file, no index row), and logged without a failure or stack trace.
/// </summary>
public abstract class UploadRefusalTests(StoreKind kind) : IAsyncLifetime
{
    private static readonly byte[] Png = TestFiles.Png(2, 2, SKColors.Teal);
    private static readonly byte[] Other = TestFiles.Png(2, 2, SKColors.Olive);
    private readonly LogRecorder _log = new(LogLevel.Warning);
    private GantryTestServer? _server;

    private GantryTestServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        if (kind == StoreKind.Postgres && PostgresTestDatabase.SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        _server = await GantryTestServer.StartAsync(kind, configure: builder => builder.Logging.AddProvider(_log));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData("upload/image")]
    [InlineData("api/upload/image")]
    public async Task Names_over_255_bytes_are_refused_before_anything_is_written(string path)
    {
        using var user = await Server.CreateUserAsync();
        var longest = new string('a', 251) + ".png";                 // 255 bytes: the bound itself is fine
        var tooLong = new string('a', 252) + ".png";                 // 256 bytes
        var tooLongWide = new string('é', 126) + ".png";             // 256 bytes in UTF-8 from 130 characters
        var folderTooLong = "ok/" + new string('b', 256);

        await RefusedAsync(user, path, UploadApiTests.Form(tooLong, Png), HttpStatusCode.BadRequest, "invalid_parameter");
        await RefusedAsync(user, path, UploadApiTests.Form(tooLongWide, Png), HttpStatusCode.BadRequest, "invalid_parameter");
        await RefusedAsync(user, path, UploadApiTests.Form("cat.png", Png, subfolder: folderTooLong), HttpStatusCode.BadRequest, "invalid_parameter");
        await RefusedAsync(user, path, UploadApiTests.Form("cat.png", Png, type: "temp", subfolder: folderTooLong), HttpStatusCode.BadRequest, "invalid_parameter");
        var deep = string.Join('/', Enumerable.Range(0, UserFiles.MaxSubfolderDepth + 1).Select(i => $"d{i}"));
        await RefusedAsync(user, path, UploadApiTests.Form("cat.png", Png, subfolder: deep), HttpStatusCode.BadRequest, "invalid_parameter");
        BlobCount().ShouldBe(0);
        Directory.Exists(InputFolder(user)).ShouldBeFalse();

        using var form = UploadApiTests.Form(longest, Png, subfolder: new string('c', 255));
        using var accepted = await user.Client.PostAsync(path, form, TestContext.Current.CancellationToken);
        (await accepted.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString().ShouldBe(longest);
        File.Exists(Path.Combine(InputFolder(user), new string('c', 255), longest)).ShouldBeTrue();
        _log.Failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_subfolder_through_an_existing_file_is_a_conflict_with_nothing_written()
    {
        using var user = await Server.CreateUserAsync();
        await UploadAsync(user, UploadApiTests.Form("cat.png", Png));
        var blobs = BlobCount();

        await RefusedAsync(user, "upload/image", UploadApiTests.Form("x.png", Other, subfolder: "cat.png"), HttpStatusCode.Conflict, "conflict");
        await RefusedAsync(user, "api/upload/image", UploadApiTests.Form("x.png", Other, subfolder: "cat.png/deeper"), HttpStatusCode.Conflict, "conflict");

        BlobCount().ShouldBe(blobs);
        Directory.GetFileSystemEntries(InputFolder(user)).Select(Path.GetFileName).ShouldBe(["cat.png"]);
        using var view = await user.Client.GetAsync("view?filename=x.png&type=input&subfolder=cat.png", TestContext.Current.CancellationToken);
        view.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        _log.Failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_file_named_like_an_existing_folder_gets_the_next_name_or_a_conflict_when_overwriting()
    {
        using var user = await Server.CreateUserAsync();
        await UploadAsync(user, UploadApiTests.Form("cat.png", Png, subfolder: "masks"));
        var blobs = BlobCount();

        await RefusedAsync(user, "upload/image", UploadApiTests.Form("masks", Other, overwrite: "true"), HttpStatusCode.Conflict, "conflict");
        BlobCount().ShouldBe(blobs);
        Directory.Exists(Path.Combine(InputFolder(user), "masks")).ShouldBeTrue();

        // Without overwrite the folder holds the name as a different file would: ComfyUI's numbering applies.
        var named = await UploadAsync(user, UploadApiTests.Form("masks", Other));
        named.ShouldBe("masks (1)");
        (await File.ReadAllBytesAsync(Path.Combine(InputFolder(user), "masks (1)"), TestContext.Current.CancellationToken)).ShouldBe(Other);
        _log.Failures.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("upload/image")]
    [InlineData("api/upload/image")]
    public async Task A_truncated_multipart_body_is_a_400(string path)
    {
        using var user = await Server.CreateUserAsync();
        var head = "--cut\r\nContent-Disposition: form-data; name=\"image\"; filename=\"cut.png\"\r\nContent-Type: image/png\r\n\r\n"u8.ToArray();
        foreach (var body in new[] { [.. head, .. Png], head, head[..20], "--cut\r\n"u8.ToArray() })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");
            using var response = await user.Client.PostAsync(path, content, TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_request");
        }

        BlobCount().ShouldBe(0);
        Directory.Exists(InputFolder(user)).ShouldBeFalse();
        _log.Failures.ShouldBeEmpty();
    }

    private string InputFolder(TestUser user) => UserFiles.InputDirectory(Server.GetService<IOptions<Gantry.Store.DataOptions>>().Value, user.User.Id);

    private int BlobCount()
    {
        var root = Path.Combine(Server.DataDirectory, "blobs");
        return Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length : 0;
    }

    private static async Task<string> UploadAsync(TestUser user, MultipartFormDataContent form)
    {
        using (form)
        {
            using var response = await user.Client.PostAsync("upload/image", form, TestContext.Current.CancellationToken);
            return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString()!;
        }
    }

    private static async Task RefusedAsync(TestUser user, string path, HttpContent content, HttpStatusCode status, string code)
    {
        using (content)
        {
            using var response = await user.Client.PostAsync(path, content, TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(status, code);
        }
    }
}

public sealed class UploadRefusalSqliteTests() : UploadRefusalTests(StoreKind.Sqlite);

public sealed class UploadRefusalPostgresTests() : UploadRefusalTests(StoreKind.Postgres);
