using Gantry.Store;
using Gantry.Outputs;
using Gantry.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Time.Testing;

namespace Gantry.Tests.Outputs;

/// <summary>Signed download links: what they sign, when they expire, and the secret in the data folder.</summary>
public sealed class SignedFileUrlsTests : IDisposable
{
    private static readonly string Hash = new('a', 64);
    private readonly TempDirectory _data = new("gantry-links");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-09-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => _data.Dispose();

    [Fact]
    public void A_link_verifies_until_it_expires()
    {
        var links = Create();
        var (hash, filename, exp, sig) = Parts(links.CreatePath(Hash, "cat (1).png"));
        hash.ShouldBe(Hash);
        filename.ShouldBe("cat (1).png");
        links.Verify(hash, filename, exp, sig).ShouldBe(SignatureCheck.Valid);

        _time.Advance(TimeSpan.FromMinutes(10));
        links.Verify(hash, filename, exp, sig).ShouldBe(SignatureCheck.Valid);
        _time.Advance(TimeSpan.FromSeconds(1));
        links.Verify(hash, filename, exp, sig).ShouldBe(SignatureCheck.Expired);
    }

    [Fact]
    public void Any_changed_part_breaks_the_signature()
    {
        var links = Create();
        var (hash, filename, exp, sig) = Parts(links.CreatePath(Hash, "cat.png"));
        links.Verify(new string('b', 64), filename, exp, sig).ShouldBe(SignatureCheck.Invalid);
        links.Verify(hash, "dog.png", exp, sig).ShouldBe(SignatureCheck.Invalid);
        links.Verify(hash, filename, (long.Parse(exp, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), sig)
            .ShouldBe(SignatureCheck.Invalid);
        links.Verify(hash, filename, exp, sig[1..]).ShouldBe(SignatureCheck.Invalid);
        links.Verify(hash, filename, exp, null).ShouldBe(SignatureCheck.Invalid);
        links.Verify(hash, filename, "-5", sig).ShouldBe(SignatureCheck.Invalid);
        links.Verify("not-a-hash", filename, exp, sig).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void The_secret_lives_in_the_data_folder_and_is_shared_by_every_instance_on_it()
    {
        var first = Create();
        var path = first.CreatePath(Hash, "cat.png");
        var keyFile = Path.Combine(_data.Path, SignedFileUrls.KeyFileName);
        new FileInfo(keyFile).Length.ShouldBe(32);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var (hash, filename, exp, sig) = Parts(path);
        Create().Verify(hash, filename, exp, sig).ShouldBe(SignatureCheck.Valid);

        using var elsewhere = new TempDirectory("gantry-links-other");
        new SignedFileUrls(new DataOptions { DataDirectory = elsewhere.Path }, TimeSpan.FromMinutes(10), _time)
            .Verify(hash, filename, exp, sig).ShouldBe(SignatureCheck.Invalid);
    }

    private SignedFileUrls Create() => new(new DataOptions { DataDirectory = _data.Path }, TimeSpan.FromMinutes(10), _time);

    private static (string Hash, string Filename, string Exp, string Sig) Parts(string path)
    {
        path.ShouldStartWith(SignedFileUrls.PathPrefix);
        var question = path.IndexOf('?', StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(path[question..]);
        return (path[SignedFileUrls.PathPrefix.Length..question], query["filename"]!, query["exp"]!, query["sig"]!);
    }
}
