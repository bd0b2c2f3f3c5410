using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gantry.Store;
using Gantry.Outputs;
using Gantry.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Gantry.Tests.Api.Comfy;

/// <summary><c>POST /upload/image</c> and <c>/api/upload/image</c>: ComfyUI's naming, the user's input folder, <c>/view</c> afterwards.</summary>
public abstract class UploadApiTests(ServerFixture fixture) : ServerTestBase(fixture)
{
    private static readonly byte[] Red = TestFiles.Png(3, 3, SKColors.Red);
    private static readonly byte[] Blue = TestFiles.Png(3, 3, SKColors.Blue);
    private static readonly byte[] Green = TestFiles.Png(3, 3, SKColors.Green);

    [Theory]
    [InlineData("upload/image")]
    [InlineData("api/upload/image")]
    public async Task An_upload_lands_in_the_users_input_folder_and_is_visible_through_view(string path)
    {
        using var user = await Server.CreateUserAsync();
        var answer = await UploadAsync(user.Client, path, "cat.png", Red);
        answer.EnumerateObject().Select(p => p.Name).ShouldBe(["name", "subfolder", "type"]);
        answer.GetProperty("name").GetString().ShouldBe("cat.png");
        answer.GetProperty("subfolder").GetString().ShouldBe("");
        answer.GetProperty("type").GetString().ShouldBe("input");

        (await File.ReadAllBytesAsync(Path.Combine(InputFolder(user), "cat.png"), TestContext.Current.CancellationToken)).ShouldBe(Red);
        using var view = await user.Client.GetAsync("view?filename=cat.png&type=input", TestContext.Current.CancellationToken);
        view.StatusCode.ShouldBe(HttpStatusCode.OK);
        view.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        (await view.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Red);

        using var stranger = await Server.CreateUserAsync();
        using var hidden = await stranger.Client.GetAsync("view?filename=cat.png&type=input", TestContext.Current.CancellationToken);
        hidden.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Different_bytes_get_numbered_names_and_the_same_bytes_reuse_the_name()
    {
        using var user = await Server.CreateUserAsync();
        (await NameAsync(user, "cat.png", Red)).ShouldBe("cat.png");
        (await NameAsync(user, "cat.png", Blue)).ShouldBe("cat (1).png");
        (await NameAsync(user, "cat.png", Green)).ShouldBe("cat (2).png");
        (await NameAsync(user, "cat.png", Blue)).ShouldBe("cat (1).png");
        (await NameAsync(user, "cat.png", Red)).ShouldBe("cat.png");

        var folder = InputFolder(user);
        Directory.GetFiles(folder).Select(Path.GetFileName).ShouldBe(["cat (1).png", "cat (2).png", "cat.png"], ignoreOrder: true);
        (await File.ReadAllBytesAsync(Path.Combine(folder, "cat (2).png"), TestContext.Current.CancellationToken)).ShouldBe(Green);

        // Another user's folder is their own: the same name is free there.
        using var other = await Server.CreateUserAsync();
        (await NameAsync(other, "cat.png", Blue)).ShouldBe("cat.png");
    }

    [Fact]
    public async Task Overwrite_replaces_the_file_under_its_name()
    {
        using var user = await Server.CreateUserAsync();
        await NameAsync(user, "dog.png", Red);
        var answer = await UploadAsync(user.Client, "upload/image", "dog.png", Blue, overwrite: "true");
        answer.GetProperty("name").GetString().ShouldBe("dog.png");
        (await File.ReadAllBytesAsync(Path.Combine(InputFolder(user), "dog.png"), TestContext.Current.CancellationToken)).ShouldBe(Blue);
        using var view = await user.Client.GetAsync("view?filename=dog.png&type=input", TestContext.Current.CancellationToken);
        (await view.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Blue);
    }

    [Fact]
    public async Task Subfolders_and_other_types_are_kept_apart()
    {
        using var user = await Server.CreateUserAsync();
        var answer = await UploadAsync(user.Client, "upload/image", "masks\\cat.png", Red, subfolder: "clipspace/a");
        answer.GetProperty("name").GetString().ShouldBe("cat.png");
        answer.GetProperty("subfolder").GetString().ShouldBe("clipspace/a");
        File.Exists(Path.Combine(InputFolder(user), "clipspace", "a", "cat.png")).ShouldBeTrue();

        var temp = await UploadAsync(user.Client, "upload/image", "cat.png", Blue, type: "temp");
        temp.GetProperty("type").GetString().ShouldBe("temp");
        temp.GetProperty("name").GetString().ShouldBe("cat.png");
        File.Exists(Path.Combine(InputFolder(user), "cat.png")).ShouldBeFalse();

        using var view = await user.Client.GetAsync("view?filename=cat.png [temp]", TestContext.Current.CancellationToken);
        (await view.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Blue);
        using var nested = await user.Client.GetAsync("view?filename=cat.png&type=input&subfolder=clipspace/a", TestContext.Current.CancellationToken);
        (await nested.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).ShouldBe(Red);
    }

    [Fact]
    public async Task Malformed_uploads_get_400()
    {
        using var user = await Server.CreateUserAsync();
        await RefusedAsync(user.Client, Form("cat.png", Red, subfolder: "../../x"), "invalid_parameter");
        await RefusedAsync(user.Client, Form("cat.png", Red, subfolder: "/etc"), "invalid_parameter");
        await RefusedAsync(user.Client, Form("../cat.png", Red), "invalid_parameter");
        await RefusedAsync(user.Client, Form("cat.png", Red, type: "models"), "invalid_parameter");
        await RefusedAsync(user.Client, Form("cat.png", Red, field: "file"), "invalid_request");
        await RefusedAsync(user.Client, TestWorkflows.Json("""{"image": "cat.png"}"""), "invalid_request");
        Directory.Exists(InputFolder(user)).ShouldBeFalse();
    }

    private string InputFolder(TestUser user) => UserFiles.InputDirectory(Server.GetService<IOptions<DataOptions>>().Value, user.User.Id);

    private static async Task<string> NameAsync(TestUser user, string filename, byte[] content)
        => (await UploadAsync(user.Client, "upload/image", filename, content)).GetProperty("name").GetString()!;

    private static async Task<JsonElement> UploadAsync(
        HttpClient client, string path, string filename, byte[] content, string? type = null, string? subfolder = null, string? overwrite = null)
    {
        using var form = Form(filename, content, type, subfolder, overwrite);
        using var response = await client.PostAsync(path, form, TestContext.Current.CancellationToken);
        return await response.ShouldBeJsonAsync(HttpStatusCode.OK);
    }

    private static async Task RefusedAsync(HttpClient client, HttpContent content, string code)
    {
        using (content)
        {
            using var response = await client.PostAsync("upload/image", content, TestContext.Current.CancellationToken);
            await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, code);
        }
    }

    internal static MultipartFormDataContent Form(
        string filename, byte[] content, string? type = null, string? subfolder = null, string? overwrite = null, string field = "image")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, field, filename);
        foreach (var (name, value) in new[] { ("type", type), ("subfolder", subfolder), ("overwrite", overwrite) })
        {
            if (value is not null)
            {
                form.Add(new StringContent(value), name);
            }
        }

        return form;
    }
}

public sealed class UploadApiSqliteTests(SqliteServerFixture fixture) : UploadApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class UploadApiPostgresTests(PostgresServerFixture fixture) : UploadApiTests(fixture), IClassFixture<PostgresServerFixture>;
