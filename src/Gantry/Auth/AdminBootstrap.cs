using Gantry.Domain;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Auth;

/// <summary>
/// On the first start (no users yet) creates the <c>admin</c> user and a key, and writes the key to
/// <c>DATA/admin-key</c> (mode 0600) so the CLI on the same machine can use it. Later starts change nothing.
/// </summary>
public sealed class AdminBootstrap(IUserStore users, IOptions<DataOptions> options)
{
    public const string AdminUserName = "admin";
    public const string AdminKeyFileName = "admin-key";

    /// <summary>The admin user, created (without a key) when there is no admin yet.</summary>
    public async Task<User> EnsureAdminUserAsync(CancellationToken cancellationToken)
    {
        var existing = await users.FindUserByNameAsync(AdminUserName, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        if ((await users.ListUsersAsync(cancellationToken)).FirstOrDefault(u => u.IsAdmin) is { } otherAdmin)
        {
            return otherAdmin;
        }

        return await users.CreateUserAsync(AdminUserName, isAdmin: true, cancellationToken);
    }

    /// <summary>
    /// Creates the admin's first key and writes the key file, when the admin never had a key; null otherwise.
    /// <c>gantry serve</c> calls it only once the server listens, so a start that fails shows and saves no key.
    /// </summary>
    public async Task<string?> CreateFirstKeyAsync(User admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if ((await users.ListApiKeysAsync(admin.Id, cancellationToken)).Count > 0)
        {
            return null;
        }

        var key = ApiKeys.Generate();
        await users.CreateApiKeyAsync(admin.Id, ApiKeys.Hash(key), ApiKeys.DisplayPrefix(key), "created at first start", cancellationToken);
        await WriteKeyFileAsync(KeyFilePath(options.Value), key, cancellationToken);
        return key;
    }

    public static string KeyFilePath(DataOptions options) => Path.Combine(Path.GetFullPath(options.DataDirectory), AdminKeyFileName);

    private static async Task WriteKeyFileAsync(string path, string key, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(path, fileOptions))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(key.AsMemory(), cancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only to new files; an old file keeps its mode otherwise.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
