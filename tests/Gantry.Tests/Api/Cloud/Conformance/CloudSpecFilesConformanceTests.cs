using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using static Gantry.Tests.Api.Cloud.Conformance.SpecCheck;

namespace Gantry.Tests.Api.Cloud.Conformance;

/// <summary>
/// Conformance of the Cloud spec's file, mask, user-data and catalog operations (see <see cref="CloudSpecConformanceTests"/>):
/// a normal request and the documented errors of each, every answer held to the spec's schema and media type.
/// </summary>
public abstract class CloudSpecFilesConformanceTests(ConformanceFixture fixture) : ServerTestBase(fixture)
{
    private const string UserFileDifference = "`modified` is UNIX seconds as a number in every answer";

    private HttpClient? _anonymous;

    private HttpClient Anonymous => _anonymous ??= Server.CreateClient(apiKey: null);

    [Fact]
    [SpecOperation("GET", "/api/view")]
    public async Task View()
    {
        using var user = await Server.CreateUserAsync();
        var jobId = await JobDriver.SubmitAsync(user.Client);
        await TestFiles.ImportOutputsAsync(Server, user.User.Id, jobId, "", new Dictionary<string, byte[]> { ["out.png"] = TestFiles.Png(2, 2) });
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress };
        noRedirects.DefaultRequestHeaders.Add("X-API-Key", user.Key);

        var redirect = await GetAsync(noRedirects, "api/view?filename=out.png&type=output", "/api/view", HttpStatusCode.Found);
        redirect.Location.ShouldNotBeNull().AbsolutePath.ShouldStartWith("/api/files/");
        var converted = await GetAsync(noRedirects, "api/view?filename=out.png&subfolder=&type=output&channel=rgb", "/api/view");
        converted.MediaType.ShouldBe("image/png");
        await GetAsync(user.Client, "api/view?filename=missing.png&type=output", "/api/view", HttpStatusCode.NotFound);
        await GetAsync(user.Client, "api/view?type=output", "/api/view", HttpStatusCode.BadRequest);
        await GetAsync(user.Client, "api/view?filename=..%2F..%2Fgantry.db", "/api/view", HttpStatusCode.BadRequest);
        await DifferenceAsync(Anonymous, Get("api/view?filename=out.png"), "/api/view", HttpStatusCode.Unauthorized, [CloudSpecConformanceTests.No401InSpec, "`GET /api/view`"]);
    }

    [Fact]
    [SpecOperation("POST", "/api/upload/image")]
    [SpecOperation("POST", "/api/upload/mask")]
    [SpecOperation("GET", "/api/files/mask-layers")]
    public async Task Uploads_and_masks()
    {
        using var user = await Server.CreateUserAsync();
        var image = await ExpectAsync(user.Client, Post("api/upload/image", UploadApiTests.Form("orig.png", TestFiles.Png(4, 3))), "/api/upload/image", HttpStatusCode.OK);
        image.Json.GetProperty("name").GetString().ShouldBe("orig.png");
        await ExpectAsync(user.Client, Post("api/upload/image", UploadApiTests.Form("x.png", TestFiles.Png(1, 1), field: "file")), "/api/upload/image", HttpStatusCode.BadRequest);
        await ExpectAsync(Anonymous, Post("api/upload/image", UploadApiTests.Form("x.png", TestFiles.Png(1, 1))), "/api/upload/image", HttpStatusCode.Unauthorized);

        var mask = UploadApiTests.Form("clipspace-painted-masked-7.png", TestFiles.Png(4, 3), subfolder: "clipspace");
        mask.Add(new StringContent("""{"filename": "orig.png", "subfolder": "", "type": "input"}"""), "original_ref");
        (await ExpectAsync(user.Client, Post("api/upload/mask", mask), "/api/upload/mask", HttpStatusCode.OK)).Json.GetProperty("name").GetString().ShouldNotBeNullOrEmpty();
        var noOriginal = UploadApiTests.Form("m.png", TestFiles.Png(4, 3));
        noOriginal.Add(new StringContent("""{"filename": "nowhere.png", "type": "input"}"""), "original_ref");
        await ExpectAsync(user.Client, Post("api/upload/mask", noOriginal), "/api/upload/mask", HttpStatusCode.BadRequest);
        await ExpectAsync(user.Client, Post("api/upload/mask", UploadApiTests.Form("m.png", TestFiles.Png(4, 3))), "/api/upload/mask", HttpStatusCode.BadRequest);
        await ExpectAsync(Anonymous, Post("api/upload/mask", UploadApiTests.Form("m.png", TestFiles.Png(4, 3))), "/api/upload/mask", HttpStatusCode.Unauthorized);

        var layers = await GetAsync(user.Client, "api/files/mask-layers?filename=clipspace-painted-masked-7.png", "/api/files/mask-layers");
        layers.Json.GetProperty("painted_masked").GetString().ShouldBe("clipspace-painted-masked-7.png");
        await GetAsync(user.Client, "api/files/mask-layers?filename=orig.png", "/api/files/mask-layers", HttpStatusCode.NotFound);
        await GetAsync(user.Client, "api/files/mask-layers?filename=clipspace-mask-8.png", "/api/files/mask-layers", HttpStatusCode.NotFound);
        await DifferenceAsync(Anonymous, Get("api/files/mask-layers?filename=clipspace-mask-7.png"), "/api/files/mask-layers", HttpStatusCode.Unauthorized,
            [CloudSpecConformanceTests.No401InSpec, "`GET /api/files/mask-layers`"]);
    }

    [Fact]
    [SpecOperation("POST", "/api/userdata/{file}")]
    [SpecOperation("GET", "/api/userdata/{file}")]
    [SpecOperation("DELETE", "/api/userdata/{file}")]
    [SpecOperation("GET", "/api/userdata")]
    public async Task User_data()
    {
        using var user = await Server.CreateUserAsync();
        const string Path = "/api/userdata/{file}";
        var full = await DifferenceAsync(user.Client, Bytes(HttpMethod.Post, "api/userdata/workflows%2Fa.json?full_info=true", """{"nodes": []}"""), Path, HttpStatusCode.OK,
            [UserFileDifference], schema: "GetUserDataResponseFullFile");
        full.Json.GetProperty("path").GetString().ShouldBe("workflows/a.json");
        var shortAnswer = await DifferenceAsync(user.Client, Bytes(HttpMethod.Post, "api/userdata/notes.txt", "hello"), Path, HttpStatusCode.OK,
            ["without `full_info` a write answers the path alone"], schema: "UserDataResponseShort");
        shortAnswer.Json.GetString().ShouldBe("notes.txt");
        await ExpectAsync(user.Client, Bytes(HttpMethod.Post, "api/userdata/notes.txt?overwrite=false", "again"), Path, HttpStatusCode.Conflict);
        await ExpectAsync(user.Client, Bytes(HttpMethod.Post, "api/userdata/..%2F..%2Fgantry.db", "x"), Path, HttpStatusCode.Forbidden);
        await ExpectAsync(user.Client, Bytes(HttpMethod.Post, "api/userdata/bad%5Cname.json", "x"), Path, HttpStatusCode.BadRequest);
        await ExpectAsync(Anonymous, Bytes(HttpMethod.Post, "api/userdata/notes.txt", "x"), Path, HttpStatusCode.Unauthorized);

        (await GetAsync(user.Client, "api/userdata/notes.txt", Path)).Text.ShouldBe("hello");
        await DifferenceAsync(user.Client, Get("api/userdata/workflows%2Fa.json"), Path, HttpStatusCode.OK, ["a `.json` user file is served as `application/json`"], schema: null);
        await GetAsync(user.Client, "api/userdata/missing.json", Path, HttpStatusCode.NotFound);
        await GetAsync(user.Client, "api/userdata/bad%5Cname.json", Path, HttpStatusCode.BadRequest);
        await GetAsync(Anonymous, "api/userdata/notes.txt", Path, HttpStatusCode.Unauthorized);

        var listed = await GetAsync(user.Client, "api/userdata?dir=workflows&recurse=true&split=false&full_info=true", "/api/userdata");
        listed.Json.EnumerateArray().Select(f => f.GetProperty("path").GetString()).ShouldBe(["a.json"]);
        await GetAsync(user.Client, "api/userdata?dir=workflows%2Fempty&full_info=true", "/api/userdata");
        await GetAsync(user.Client, "api/userdata", "/api/userdata", HttpStatusCode.BadRequest);
        await GetAsync(user.Client, "api/userdata?dir=..%2F..", "/api/userdata", HttpStatusCode.NotFound);
        await GetAsync(Anonymous, "api/userdata?dir=workflows", "/api/userdata", HttpStatusCode.Unauthorized);

        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Delete, "api/userdata/notes.txt"), Path, HttpStatusCode.NoContent);
        await ExpectAsync(user.Client, new HttpRequestMessage(HttpMethod.Delete, "api/userdata/notes.txt"), Path, HttpStatusCode.NotFound);
        await ExpectAsync(Anonymous, new HttpRequestMessage(HttpMethod.Delete, "api/userdata/workflows%2Fa.json"), Path, HttpStatusCode.Unauthorized);
    }

    [Fact]
    [SpecOperation("GET", "/api/workflow_templates")]
    [SpecOperation("GET", "/api/global_subgraphs")]
    [SpecOperation("GET", "/api/global_subgraphs/{id}")]
    public async Task Templates_and_subgraphs_without_a_key()
    {
        await GetAsync(Anonymous, "api/workflow_templates", "/api/workflow_templates");
        await GetAsync(Anonymous, "api/global_subgraphs", "/api/global_subgraphs");
        await GetAsync(Anonymous, "api/global_subgraphs/some-blueprint", "/api/global_subgraphs/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    [SpecOperation("GET", "/api/experiment/models")]
    [SpecOperation("GET", "/api/experiment/models/{folder}")]
    [SpecOperation("GET", "/api/experiment/models/preview/{folder}/{path_index}/{filename}")]
    public async Task Models_of_the_fleet_without_a_key()
    {
        var folders = await GetAsync(Anonymous, "api/experiment/models", "/api/experiment/models");
        folders.Json.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ShouldContain("checkpoints");
        var files = await GetAsync(Anonymous, "api/experiment/models/checkpoints", "/api/experiment/models/{folder}");
        files.Json.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ShouldContain(ConformanceFixture.Checkpoint);
        await GetAsync(Anonymous, "api/experiment/models/loras", "/api/experiment/models/{folder}", HttpStatusCode.NotFound);

        const string Preview = "/api/experiment/models/preview/{folder}/{path_index}/{filename}";
        // The spec's "preview not available": the scripted worker here sends no previews (EditorCatalogApiTests has one that does).
        var known = await GetAsync(Anonymous, "api/experiment/models/preview/checkpoints/0/sdxl.webp", Preview, HttpStatusCode.NotFound);
        known.Json.GetProperty("message").GetString()!.ShouldContain("preview");
        await GetAsync(Anonymous, "api/experiment/models/preview/checkpoints/0/unknown.webp", Preview, HttpStatusCode.NotFound);
        await GetAsync(Anonymous, "api/experiment/models/preview/loras/0/sub/x.webp", Preview, HttpStatusCode.NotFound);
    }

    private static HttpRequestMessage Post(string url, HttpContent content) => new(HttpMethod.Post, url) { Content = content };

    private static HttpRequestMessage Bytes(HttpMethod method, string url, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new HttpRequestMessage(method, url) { Content = content };
    }

    public override ValueTask DisposeAsync()
    {
        _anonymous?.Dispose();
        return base.DisposeAsync();
    }
}

public sealed class CloudSpecFilesConformanceSqliteTests(SqliteConformanceFixture fixture) : CloudSpecFilesConformanceTests(fixture), IClassFixture<SqliteConformanceFixture>;

public sealed class CloudSpecFilesConformancePostgresTests(PostgresConformanceFixture fixture) : CloudSpecFilesConformanceTests(fixture), IClassFixture<PostgresConformanceFixture>;
