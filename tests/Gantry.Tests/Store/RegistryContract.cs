using Gantry.Domain;

namespace Gantry.Tests.Store;

/// <summary>The worker registry and the file index.</summary>
public abstract class RegistryContract(StoreBackend backend) : StoreTestBase(backend)
{
    [Fact]
    public async Task Workers_are_saved_replaced_listed_by_name_and_removed()
    {
        var prefix = "w-" + Guid.NewGuid().ToString("N")[..8];
        var gpu2 = new WorkerRegistration { Name = prefix + "-gpu2", Url = "http://10.0.0.2:8188", CreatedAtMs = 20 };
        var gpu1 = new WorkerRegistration { Name = prefix + "-gpu1", Url = "http://10.0.0.1:8188", AuthHeader = "Authorization: Bearer x", CreatedAtMs = 10 };
        await Store.SaveWorkerAsync(gpu2, Ct);
        await Store.SaveWorkerAsync(gpu1, Ct);

        (await MineAsync(prefix)).ShouldBe([gpu1, gpu2]);

        var draining = gpu1 with { Url = "http://10.0.0.11:8188", AuthHeader = null, Draining = true, CreatedAtMs = 30 };
        await Store.SaveWorkerAsync(draining, Ct);
        (await MineAsync(prefix)).ShouldBe([draining, gpu2]);

        (await Store.RemoveWorkerAsync(gpu2.Name, Ct)).ShouldBeTrue();
        (await Store.RemoveWorkerAsync(gpu2.Name, Ct)).ShouldBeFalse();
        (await MineAsync(prefix)).ShouldBe([draining]);
    }

    [Fact]
    public async Task Files_are_found_by_name_and_listed_per_job()
    {
        var user = await NewUserAsync();
        var job = await InsertAsync(user.Id);
        var image = File(user.Id, job.Id, "output", "", "ComfyUI_00001_.png", "aa");
        var preview = File(user.Id, job.Id, "temp", "previews", "p_00001_.png", "bb");
        var upload = File(user.Id, null, "input", "", "mine.png", "cc");

        await Store.AddFilesAsync([image, preview, upload], Ct);

        (await Store.FindFileAsync(user.Id, "output", "", "ComfyUI_00001_.png", Ct)).ShouldBe(image);
        (await Store.FindFileAsync(user.Id, "temp", "previews", "p_00001_.png", Ct)).ShouldBe(preview);
        (await Store.FindFileAsync(user.Id, "input", "", "mine.png", Ct)).ShouldBe(upload);
        (await Store.FindFileAsync(user.Id, "output", "sub", "ComfyUI_00001_.png", Ct)).ShouldBeNull();
        (await Store.ListJobFilesAsync(job.Id, Ct)).ShouldBe([image, preview]);
        (await Store.ListJobFilesAsync(Guid.NewGuid(), Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_file_with_the_same_name_replaces_the_record()
    {
        var user = await NewUserAsync();
        var first = await InsertAsync(user.Id);
        var second = await InsertAsync(user.Id);
        await Store.AddFilesAsync([File(user.Id, first.Id, "output", "", "out.png", "11")], Ct);

        var replacement = File(user.Id, second.Id, "output", "", "out.png", "22") with { Size = 999, ContentType = "image/webp", CreatedAtMs = 77 };
        await Store.AddFilesAsync([replacement], Ct);

        (await Store.FindFileAsync(user.Id, "output", "", "out.png", Ct)).ShouldBe(replacement);
        (await Store.ListJobFilesAsync(first.Id, Ct)).ShouldBeEmpty();
        (await Store.ListJobFilesAsync(second.Id, Ct)).ShouldBe([replacement]);
    }

    [Fact]
    public async Task Files_are_per_user()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var alices = File(alice.Id, null, "input", "", "same.png", "a1");
        var bobs = File(bob.Id, null, "input", "", "same.png", "b1");

        await Store.AddFilesAsync([alices, bobs], Ct);

        (await Store.FindFileAsync(alice.Id, "input", "", "same.png", Ct)).ShouldBe(alices);
        (await Store.FindFileAsync(bob.Id, "input", "", "same.png", Ct)).ShouldBe(bobs);
    }

    [Fact]
    public async Task Files_outlive_the_history_of_their_job()
    {
        var user = await NewUserAsync();
        var job = await JobInStateAsync(user.Id, JobState.Succeeded);
        var output = File(user.Id, job.Id, "output", "", "kept.png", "dd");
        await Store.AddFilesAsync([output], Ct);

        await Store.DeleteHistoryAsync(user.Id, [job.Id], Ct);

        (await Store.FindFileAsync(user.Id, "output", "", "kept.png", Ct)).ShouldBe(output);
    }

    private async Task<List<WorkerRegistration>> MineAsync(string prefix) =>
        (await Store.ListWorkersAsync(Ct)).Where(w => w.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static StoredFile File(long userId, Guid? jobId, string type, string subfolder, string filename, string hashSeed) => new()
    {
        UserId = userId,
        JobId = jobId,
        Type = type,
        Subfolder = subfolder,
        Filename = filename,
        Sha256 = string.Concat(Enumerable.Repeat(hashSeed, 32)),
        Size = 1234,
        ContentType = "image/png",
        CreatedAtMs = 1_700_000_000_000,
    };
}
