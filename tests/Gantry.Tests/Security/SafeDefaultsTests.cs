using System.Net;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Security;

/// <summary>
/// Safe defaults: <c>--no-auth</c> stays on loopback unless allowed; the data folder is Gantry's alone (0700 folders,
/// 0600 files); symbolic links in a user's input folder are never followed, by uploads nor by LoadImage.
/// </summary>
public sealed class SafeDefaultsTests
{
    private const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task No_auth_on_a_non_loopback_address_refuses_to_start()
    {
        using var data = new TempDirectory();
        var (code, _, stderr) = await GantryProcess.RunAsync(["serve", "--urls", "http://0.0.0.0:0", "--no-auth", "--data", data.Path]);

        code.ShouldBe(2, stderr);
        stderr.ShouldContain("--allow-remote-no-auth");
        stderr.ShouldContain("0.0.0.0");
    }

    [Theory]
    [InlineData("http://127.0.0.1:8188", true)]
    [InlineData("http://localhost:8188", true)]
    [InlineData("http://[::1]:8188", true)]
    [InlineData("http://127.0.0.2:0", true)]
    [InlineData("http://0.0.0.0:8188", false)]
    [InlineData("http://[::]:8188", false)]
    [InlineData("http://*:8188", false)]
    [InlineData("http://+:8188", false)]
    [InlineData("https://10.0.0.5:443", false)]
    [InlineData("http://gantry.example:8188", false)]
    public void Only_loopback_addresses_count_as_local(string url, bool loopback) => global::Gantry.Hosting.RemoteNoAuthGuard.IsLoopback(url).ShouldBe(loopback);

    [Fact]
    public async Task The_database_its_wal_blobs_and_inputs_are_created_private()
    {
        using var parent = new TempDirectory();
        var data = Path.Combine(parent.Path, "fresh");
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:DataDirectory"] = data });
        using var user = await server.CreateUserAsync();
        using (var upload = await user.Client.PostAsync("api/upload/image", UploadApiTests.Form("cat.png", TestFiles.Png(2, 2)), TestContext.Current.CancellationToken))
        {
            upload.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await JobDriver.SubmitAsync(user.Client);

        File.GetUnixFileMode(data).ShouldBe(PrivateFolder);
        File.GetUnixFileMode(Path.Combine(data, "gantry.db")).ShouldBe(PrivateFile);
        File.GetUnixFileMode(Path.Combine(data, "gantry.db-wal")).ShouldBe(PrivateFile);
        var blobs = Path.Combine(data, "blobs");
        File.GetUnixFileMode(blobs).ShouldBe(PrivateFolder);
        var blob = Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories).ShouldHaveSingleItem();
        File.GetUnixFileMode(blob).ShouldBe(PrivateFile);
        File.GetUnixFileMode(Path.GetDirectoryName(blob)!).ShouldBe(PrivateFolder);
        var inputs = Path.Combine(data, "inputs", user.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.GetUnixFileMode(inputs).ShouldBe(PrivateFolder);
        File.GetUnixFileMode(Path.Combine(inputs, "cat.png")).ShouldBe(PrivateFile);
    }

    [Fact]
    public async Task An_upload_into_a_subfolder_that_is_a_link_out_of_the_input_folder_is_refused_and_writes_nothing_there()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite);
        using var user = await server.CreateUserAsync();
        using var outside = new TempDirectory();
        var inputs = InputFolder(server, user);
        Directory.CreateDirectory(inputs);
        Directory.CreateSymbolicLink(Path.Combine(inputs, "sub"), outside.Path);

        using var upload = await user.Client.PostAsync(
            "api/upload/image", UploadApiTests.Form("cat.png", TestFiles.Png(2, 2), subfolder: "sub"), TestContext.Current.CancellationToken);

        await upload.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "invalid_parameter");
        Directory.EnumerateFileSystemEntries(outside.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task LoadImage_does_not_read_a_file_through_a_link_planted_in_the_input_folder()
    {
        await using var server = await GantryTestServer.StartAsync(StoreKind.Sqlite, new Dictionary<string, string> { ["Gantry:Workers:Embedded"] = "1" });
        using var user = await server.CreateUserAsync();
        using var outside = new TempDirectory();
        var secret = Path.Combine(outside.Path, "secret.png");
        await File.WriteAllBytesAsync(secret, TestFiles.Png(3, 3), TestContext.Current.CancellationToken);
        var inputs = InputFolder(server, user);
        Directory.CreateDirectory(inputs);
        File.CreateSymbolicLink(Path.Combine(inputs, "evil.png"), secret);

        const string workflow = """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "evil.png"}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """;
        using var submit = await user.Client.PostAsync("api/prompt", TestWorkflows.Json(TestWorkflows.Body(workflow)), TestContext.Current.CancellationToken);

        var error = await submit.ShouldBeJsonAsync(HttpStatusCode.BadRequest);
        error.GetRawText().ShouldContain("evil.png");
    }

    private static string InputFolder(GantryTestServer server, TestUser user) =>
        Path.Combine(server.DataDirectory, "inputs", user.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
