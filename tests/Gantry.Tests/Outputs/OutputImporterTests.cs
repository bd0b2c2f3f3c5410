using System.Text;
using System.Text.Json;
using Gantry.Outputs;
using Gantry.Store;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.Outputs;

/// <summary><see cref="OutputImporter"/> on a real SQLite store and content store in a temp folder.</summary>
public sealed class OutputImporterTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("gantry-import");
    private IGantryStore _store = null!;
    private ContentStore _blobs = null!;
    private OutputImporter _importer = null!;
    private long _userId;

    public async ValueTask InitializeAsync()
    {
        _store = GantryStoreFactory.Create(null, _data.Path);
        await _store.InitializeAsync(TestContext.Current.CancellationToken);
        _userId = (await _store.CreateUserAsync("importer", isAdmin: false, TestContext.Current.CancellationToken)).Id;
        _blobs = new ContentStore(_data.Path);
        _importer = new OutputImporter(_blobs, _store, TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Files_are_stored_by_content_and_recorded_under_their_names()
    {
        var jobId = Guid.NewGuid();
        var outputs = Outputs(("ComfyUI_00001_.png", "renders", "output"), ("preview.png", "", "temp"));
        var imported = await ImportAsync(jobId, outputs, new() { ["ComfyUI_00001_.png"] = "first"u8.ToArray(), ["preview.png"] = "small"u8.ToArray() });

        imported.OutputsJson.ShouldBeSameAs(outputs);
        imported.Files.Select(f => (f.Type, f.Subfolder, f.Filename)).ShouldBe([("output", "renders", "ComfyUI_00001_.png"), ("temp", "", "preview.png")]);
        var recorded = await _store.FindFileAsync(_userId, "output", "renders", "ComfyUI_00001_.png", TestContext.Current.CancellationToken);
        recorded.ShouldNotBeNull();
        recorded.JobId.ShouldBe(jobId);
        recorded.ContentType.ShouldBe("image/png");
        recorded.Size.ShouldBe(5);
        (await File.ReadAllBytesAsync(_blobs.PathOf(recorded.Sha256), TestContext.Current.CancellationToken)).ShouldBe("first"u8.ToArray());
        (await _store.ListJobFilesAsync(jobId, TestContext.Current.CancellationToken)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_clash_with_a_different_file_renames_the_new_one_and_rewrites_the_outputs()
    {
        await ImportAsync(Guid.NewGuid(), Outputs(("ComfyUI_00001_.png", "", "output")), new() { ["ComfyUI_00001_.png"] = "from worker a"u8.ToArray() });

        var outputs = Encoding.UTF8.GetBytes("""
            {"9": {"images": [{"filename": "ComfyUI_00001_.png", "subfolder": "", "type": "output", "extra": 1}], "animated": [false]},
             "10": {"text": ["kept as is"]}}
            """);
        var imported = await ImportAsync(Guid.NewGuid(), outputs, new() { ["ComfyUI_00001_.png"] = "from worker b"u8.ToArray() });

        var file = imported.Files.ShouldHaveSingleItem();
        file.Filename.ShouldBe($"ComfyUI_00001__{file.Sha256[..8]}.png");
        using var document = JsonDocument.Parse(imported.OutputsJson);
        var item = document.RootElement.GetProperty("9").GetProperty("images")[0];
        item.GetProperty("filename").GetString().ShouldBe(file.Filename);
        item.GetProperty("extra").GetInt32().ShouldBe(1);
        item.GetProperty("type").GetString().ShouldBe("output");
        document.RootElement.GetProperty("9").GetProperty("animated")[0].GetBoolean().ShouldBeFalse();
        document.RootElement.GetProperty("10").GetProperty("text")[0].GetString().ShouldBe("kept as is");

        var original = await _store.FindFileAsync(_userId, "output", "", "ComfyUI_00001_.png", TestContext.Current.CancellationToken);
        (await File.ReadAllBytesAsync(_blobs.PathOf(original!.Sha256), TestContext.Current.CancellationToken)).ShouldBe("from worker a"u8.ToArray());
    }

    [Fact]
    public async Task The_same_bytes_under_the_same_name_keep_the_name()
    {
        var bytes = "identical"u8.ToArray();
        await ImportAsync(Guid.NewGuid(), Outputs(("same.png", "", "output")), new() { ["same.png"] = bytes });
        var outputs = Outputs(("same.png", "", "output"));
        var again = await ImportAsync(Guid.NewGuid(), outputs, new() { ["same.png"] = bytes });
        again.OutputsJson.ShouldBeSameAs(outputs);
        again.Files.ShouldHaveSingleItem().Filename.ShouldBe("same.png");
    }

    [Fact]
    public async Task Files_the_worker_no_longer_has_are_skipped_and_repeats_imported_once()
    {
        var opened = new List<string>();
        var outputs = Outputs(("a.png", "", "output"), ("gone.png", "", "output"), ("a.png", "", "output"));
        var imported = await _importer.ImportAsync(_userId, Guid.NewGuid(), outputs, (reference, _) =>
        {
            opened.Add(reference.Filename);
            return Task.FromResult<Stream?>(reference.Filename == "gone.png" ? null : new MemoryStream("a"u8.ToArray()));
        }, TestContext.Current.CancellationToken);

        opened.ShouldBe(["a.png", "gone.png"]);
        imported.Files.ShouldHaveSingleItem().Filename.ShouldBe("a.png");
    }

    [Fact]
    public async Task An_outputs_value_that_is_not_an_object_imports_nothing()
    {
        var imported = await ImportAsync(Guid.NewGuid(), "[]"u8.ToArray(), []);
        imported.OutputsJson.ShouldBe("{}"u8.ToArray());
        imported.Files.ShouldBeEmpty();
    }

    private Task<ImportedOutputs> ImportAsync(Guid jobId, byte[] outputs, Dictionary<string, byte[]> files)
        => _importer.ImportAsync(
            _userId,
            jobId,
            outputs,
            (reference, _) => Task.FromResult<Stream?>(new MemoryStream(files[reference.Filename])),
            TestContext.Current.CancellationToken);

    private static byte[] Outputs(params (string Filename, string Subfolder, string Type)[] items)
    {
        var list = string.Join(", ", items.Select(i => $$"""{"filename": "{{i.Filename}}", "subfolder": "{{i.Subfolder}}", "type": "{{i.Type}}"}"""));
        return Encoding.UTF8.GetBytes($$$"""{"9": {"images": [{{{list}}}]}}""");
    }
}
