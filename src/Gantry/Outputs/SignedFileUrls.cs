using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gantry.Store;

namespace Gantry.Outputs;

/// <summary>
/// Short-lived download links that carry their own authorisation, like the signed storage URLs Comfy Cloud's
/// <c>/api/view</c> redirects to: <c>/api/files/{sha256}?filename=…&amp;exp=…&amp;sig=…</c>, where <c>sig</c> is an
/// HMAC-SHA256 over the hash, the name and the expiry (Unix seconds) with a secret kept in the data folder
/// (<c>DATA/file-url-key</c>, mode 0600), so every instance sharing the folder accepts the others' links.
/// </summary>
public sealed class SignedFileUrls
{
    public const string KeyFileName = "file-url-key";
    public const string PathPrefix = "/api/files/";
    private const int KeyBytes = 32;

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;

    public SignedFileUrls(DataOptions options, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _key = LoadOrCreateKey(Path.Combine(Path.GetFullPath(options.DataDirectory), KeyFileName));
        _lifetime = lifetime;
        _time = time;
    }

    /// <summary>A link to the blob under <paramref name="filename"/>, valid for the configured lifetime (a path; prefix scheme and host).</summary>
    public string CreatePath(string sha256, string filename) => CreatePath(sha256, filename, _time.GetUtcNow() + _lifetime);

    public string CreatePath(string sha256, string filename, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(filename);
        if (!ContentStore.IsHash(sha256))
        {
            throw new ArgumentException("Not a lowercase hex SHA-256.", nameof(sha256));
        }

        var exp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{PathPrefix}{sha256}?filename={Uri.EscapeDataString(filename)}&exp={exp}&sig={Signature(sha256, filename, exp)}";
    }

    /// <summary>Checks a link's parts as they came in the query string.</summary>
    public SignatureCheck Verify(string sha256, string? filename, string? exp, string? sig)
    {
        if (filename is null || exp is null || sig is null || !ContentStore.IsHash(sha256)
            || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
        {
            return SignatureCheck.Invalid;
        }

        var expected = Encoding.ASCII.GetBytes(Signature(sha256, filename, exp));
        var given = Encoding.ASCII.GetBytes(sig);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return SignatureCheck.Invalid;
        }

        return _time.GetUtcNow().ToUnixTimeSeconds() > expiresAt ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    private string Signature(string sha256, string filename, string exp)
    {
        var message = Encoding.UTF8.GetBytes($"{sha256}\n{filename}\n{exp}");
        return Base64Url.EncodeToString(HMACSHA256.HashData(_key, message));
    }

    /// <summary>Reads the secret, or creates it atomically (a second instance starting at once reads the first one's).</summary>
    private static byte[] LoadOrCreateKey(string path)
    {
        if (TryRead(path) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        using (var stream = new FileStream(temporary, fileOptions))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temporary, path, overwrite: false);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return TryRead(path) ?? throw new InvalidDataException($"{path} does not hold a {KeyBytes}-byte key.");
        }
    }

    private static byte[]? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length == KeyBytes ? bytes : throw new InvalidDataException($"{path} does not hold a {KeyBytes}-byte key.");
    }
}

public enum SignatureCheck
{
    Valid = 0,
    Invalid = 1,
    Expired = 2,
}
