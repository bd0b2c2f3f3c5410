using System.Net;
using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Tests.Workers;

namespace Gantry.Tests.Api.Comfy;

/// <summary><c>/object_info</c>, <c>/models</c>, <c>/embeddings</c> and <c>/system_stats</c>: views of the whole fleet.</summary>
public sealed class NodeInfoApiTests(FleetServerFixture fixture) : IClassFixture<FleetServerFixture>
{
    private GantryTestServer Server => fixture.Server;

    [Theory]
    [InlineData("object_info")]
    [InlineData("api/object_info")]
    public async Task Object_info_is_the_union_of_every_workers_nodes(string path)
    {
        using var client = Server.CreateAdminClient();
        var json = await GetJsonAsync(client, path);
        json.TryGetProperty("PrimitiveInt", out _).ShouldBeTrue();
        json.TryGetProperty("PreviewAny", out _).ShouldBeTrue();
        json.GetProperty("KSampler").GetProperty("category").GetString().ShouldBe("sampling");
        json.GetProperty("CheckpointLoaderSimple").GetProperty("input").GetProperty("required").GetProperty("ckpt_name")[0].GetArrayLength().ShouldBe(2);
    }

    [Theory]
    [InlineData("object_info/KSampler")]
    [InlineData("api/object_info/KSampler")]
    public async Task Object_info_of_one_class_has_only_that_class(string path)
    {
        using var client = Server.CreateAdminClient();
        var json = await GetJsonAsync(client, path);
        json.EnumerateObject().Select(p => p.Name).ShouldBe(["KSampler"]);
    }

    [Theory]
    [InlineData("object_info/NoSuchNode")]
    [InlineData("api/object_info/NoSuchNode")]
    public async Task Object_info_of_an_unknown_class_is_an_empty_object(string path)
    {
        using var client = Server.CreateAdminClient();
        (await GetJsonAsync(client, path)).EnumerateObject().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("object_info")]
    [InlineData("api/object_info")]
    [InlineData("object_info/LoadImage")]
    [InlineData("api/object_info/LoadImage")]
    public async Task LoadImage_lists_the_callers_own_uploads_not_another_users_nor_a_workers_input_folder(string path)
    {
        // The embedded engine and the worker "gpu" (whose LoadImage lists its own input folder) both have LoadImage.
        using var alice = await Server.CreateUserAsync();
        using var bob = await Server.CreateUserAsync();
        await UploadAsync(alice, "a.png");
        await UploadAsync(bob, "b.png");

        (await LoadImageListAsync(alice, path)).ShouldBe(["a.png"]);
        (await LoadImageListAsync(bob, path)).ShouldBe(["b.png"]);

        // Listed as the uploads are now, not as they were at the first request.
        await UploadAsync(alice, "a2.png");
        (await LoadImageListAsync(alice, path)).ShouldBe(["a.png", "a2.png"]);
        (await LoadImageListAsync(bob, path)).ShouldBe(["b.png"]);

        using var fresh = await Server.CreateUserAsync();
        (await LoadImageListAsync(fresh, path)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Each_class_in_a_users_object_info_is_as_its_own_object_info_serves_it()
    {
        using var alice = await Server.CreateUserAsync();
        await UploadAsync(alice, "mine.png");
        var own = await GetJsonAsync(alice.Client, "object_info");
        var loadImage = own.GetProperty("LoadImage");
        loadImage.GetProperty("input").GetProperty("required").GetProperty("image")[1].GetProperty("image_upload").GetBoolean().ShouldBeTrue();
        loadImage.GetProperty("output").EnumerateArray().Select(e => e.GetString()).ShouldBe(["IMAGE", "MASK"]);

        var single = await GetJsonAsync(alice.Client, "object_info/LoadImage");
        single.GetProperty("LoadImage").GetRawText().ShouldBe(loadImage.GetRawText());
        var classes = own.EnumerateObject().Select(p => p.Name).ToList();
        classes.ShouldContain("KSampler");
        classes.Count.ShouldBe(classes.Distinct().Count());
        foreach (var other in own.EnumerateObject().Where(p => p.Name != "LoadImage").Take(5))
        {
            var alone = await GetJsonAsync(alice.Client, "object_info/" + other.Name);
            alone.GetProperty(other.Name).GetRawText().ShouldBe(other.Value.GetRawText());
        }
    }

    [Fact]
    public async Task The_catalog_needs_a_key()
    {
        using var anonymous = Server.CreateClient(apiKey: null);
        using var response = await anonymous.GetAsync("object_info", TestContext.Current.CancellationToken);
        await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("")]
    [InlineData("api/")]
    public async Task Model_folders_and_their_files_come_from_the_workers(string prefix)
    {
        using var client = Server.CreateAdminClient();
        (await GetJsonAsync(client, prefix + "models")).EnumerateArray().Select(e => e.GetString()).ShouldBe(["checkpoints", "embeddings"]);
        (await GetJsonAsync(client, prefix + "models/checkpoints")).EnumerateArray().Select(e => e.GetString()).ShouldBe(["sdxl.safetensors", "flux.safetensors"]);
        (await GetJsonAsync(client, prefix + "embeddings")).EnumerateArray().Select(e => e.GetString()).ShouldBe(["easynegative", "sub/style"]);

        using var unknown = await client.GetAsync(prefix + "models/nope", TestContext.Current.CancellationToken);
        await unknown.ShouldBeErrorAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task System_stats_without_a_key_is_a_health_answer_with_no_memory_command_line_or_workers()
    {
        using var anonymous = Server.CreateClient(apiKey: null);
        var json = await GetJsonAsync(anonymous, "api/system_stats");
        var system = json.GetProperty("system");
        system.GetProperty("comfyui_version").GetString().ShouldNotBeNullOrEmpty();
        system.GetProperty("ram_total").GetInt64().ShouldBe(0);
        system.GetProperty("argv").GetArrayLength().ShouldBe(0);
        json.GetProperty("devices").GetArrayLength().ShouldBe(0);
        json.GetProperty("gantry").TryGetProperty("workers", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Only_admins_see_the_workers_in_system_stats()
    {
        using var user = await Server.CreateUserAsync();
        var json = await GetJsonAsync(user.Client, "api/system_stats");
        json.GetProperty("system").GetProperty("ram_total").GetInt64().ShouldBeGreaterThan(0);
        json.GetProperty("system").GetProperty("argv").GetArrayLength().ShouldBeGreaterThan(0);
        json.GetProperty("gantry").TryGetProperty("workers", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task System_stats_has_comfyuis_shape_and_the_workers()
    {
        using var admin = Server.CreateAdminClient();
        var json = await GetJsonAsync(admin, "api/system_stats");
        var system = json.GetProperty("system");
        system.ShouldHave(
            ("os", JsonValueKind.String), ("ram_total", JsonValueKind.Number), ("ram_free", JsonValueKind.Number), ("comfyui_version", JsonValueKind.String),
            ("python_version", JsonValueKind.String), ("pytorch_version", JsonValueKind.String), ("argv", JsonValueKind.Array));
        system.GetProperty("os").GetString().ShouldBe("linux");
        system.GetProperty("python_version").GetString().ShouldBe("n/a");
        system.GetProperty("embedded_python").GetBoolean().ShouldBeFalse();
        system.GetProperty("ram_total").GetInt64().ShouldBeGreaterThan(0);
        var device = json.GetProperty("devices")[0];
        device.GetProperty("type").GetString().ShouldBe("cpu");
        device.GetProperty("index").ValueKind.ShouldBe(JsonValueKind.Null);
        var workers = json.GetProperty("gantry").GetProperty("workers").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!);
        workers["embedded-1"].GetProperty("state").GetString().ShouldBe("online");
        workers["embedded-1"].GetProperty("kind").GetString().ShouldBe("embedded");
        workers["gpu"].GetProperty("url").GetString().ShouldBe("http://gpu.test");
        workers["gpu"].GetProperty("slots").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task The_bare_system_stats_needs_a_key()
    {
        using var anonymous = Server.CreateClient(apiKey: null);
        using var refused = await anonymous.GetAsync("system_stats", TestContext.Current.CancellationToken);
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var client = Server.CreateAdminClient();
        (await GetJsonAsync(client, "system_stats")).GetProperty("system").GetProperty("comfyui_version").GetString().ShouldNotBeNullOrEmpty();
    }

    private static async Task UploadAsync(TestUser user, string filename)
    {
        using var form = UploadApiTests.Form(filename, TestFiles.Png(2, 2));
        using var response = await user.Client.PostAsync("upload/image", form, TestContext.Current.CancellationToken);
        (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("name").GetString().ShouldBe(filename);
    }

    private static async Task<string?[]> LoadImageListAsync(TestUser user, string path)
    {
        var json = await GetJsonAsync(user.Client, path);
        var image = json.GetProperty("LoadImage").GetProperty("input").GetProperty("required").GetProperty("image");
        return [.. image[0].EnumerateArray().Select(e => e.GetString())];
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        return await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }
}
