using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>Users and their API keys (keys stored only as SHA-256 hashes) on SQLite or PostgreSQL; the SQL agrees on both.</summary>
/// <remarks>The store reads <paramref name="time"/> only for the creation times of users and keys, which callers do not give.</remarks>
internal sealed class RelationalUserStore(IRelationalDatabase database, TimeProvider time) : IUserStore
{
    private const string UserColumns = UserRows.Columns;
    private const int UserColumnCount = 7;
    private const string KeyColumns = "k.id, k.user_id, k.prefix, k.name, k.created_at_ms, k.revoked_at_ms";
    private const int KeyColumnCount = 6;

    public async Task<User> CreateUserAsync(string name, bool isAdmin, CancellationToken cancellationToken)
    {
        var createdAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "INSERT INTO users (name, is_admin, created_at_ms) VALUES (@name, @is_admin, @at) " +
                "ON CONFLICT (name) DO NOTHING RETURNING id", transaction);
            command.AddText("@name", name);
            command.AddBoolean("@is_admin", isAdmin);
            command.AddInt64("@at", createdAtMs);
            return await command.ExecuteScalarAsync(ct);
        }, cancellationToken);

        return id is null or DBNull
            ? throw new InvalidOperationException($"A user named '{name}' already exists.")
            : new User { Id = Convert.ToInt64(id, CultureInfo.InvariantCulture), Name = name, IsAdmin = isAdmin, CreatedAtMs = createdAtMs };
    }

    public Task<User?> GetUserAsync(long id, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText($"SELECT {UserColumns} FROM users u WHERE u.id = @id");
            command.AddInt64("@id", id);
            return await ReadSingleUserAsync(command, ct);
        }, cancellationToken);

    public Task<User?> FindUserByNameAsync(string name, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText($"SELECT {UserColumns} FROM users u WHERE u.name = @name");
            command.AddText("@name", name);
            return await ReadSingleUserAsync(command, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<User>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText($"SELECT {UserColumns} FROM users u ORDER BY u.id");
            var users = new List<User>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                users.Add(UserRows.Read(reader, 0));
            }

            return users;
        }, cancellationToken);

    public event Action? AccessChanged;

    public async Task<User?> UpdateUserLimitsAsync(long id, double? weight, int? maxRunning, int? maxQueued, CancellationToken cancellationToken)
    {
        var updated = await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE users SET weight = @weight, max_running = @max_running, max_queued = @max_queued WHERE id = @id " +
                $"RETURNING {UserColumns.Replace("u.", "", StringComparison.Ordinal)}", transaction);
            command.AddDouble("@weight", weight);
            command.AddInt32("@max_running", maxRunning);
            command.AddInt32("@max_queued", maxQueued);
            command.AddInt64("@id", id);
            return await ReadSingleUserAsync(command, ct);
        }, cancellationToken);
        AccessChanged?.Invoke();
        return updated;
    }

    public async Task<ApiKeyInfo> CreateApiKeyAsync(
        long userId, ReadOnlyMemory<byte> keyHash, string prefix, string? name, CancellationToken cancellationToken)
    {
        var createdAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var hash = keyHash.ToArray();
        var id = await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "INSERT INTO api_keys (user_id, key_hash, prefix, name, created_at_ms) " +
                "SELECT @user_id, @key_hash, @prefix, @name, @at WHERE EXISTS (SELECT 1 FROM users WHERE id = @user_id) " +
                "ON CONFLICT (key_hash) DO NOTHING RETURNING id", transaction);
            command.AddInt64("@user_id", userId);
            command.AddBlob("@key_hash", hash);
            command.AddText("@prefix", prefix);
            command.AddText("@name", name);
            command.AddInt64("@at", createdAtMs);
            return await command.ExecuteScalarAsync(ct);
        }, cancellationToken);

        return id is null or DBNull
            ? throw new InvalidOperationException($"User {userId} does not exist, or a key with this hash is already stored.")
            : new ApiKeyInfo
            {
                Id = Convert.ToInt64(id, CultureInfo.InvariantCulture),
                UserId = userId,
                Prefix = prefix,
                Name = name,
                CreatedAtMs = createdAtMs,
            };
    }

    public async Task<(ApiKeyInfo Key, User User)?> FindActiveApiKeyAsync(ReadOnlyMemory<byte> keyHash, CancellationToken cancellationToken)
    {
        var hash = keyHash.ToArray();
        return await database.ReadAsync<(ApiKeyInfo, User)?>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {KeyColumns}, {UserColumns}, k.key_hash FROM api_keys k JOIN users u ON u.id = k.user_id " +
                "WHERE k.key_hash = @key_hash AND k.revoked_at_ms IS NULL");
            command.AddBlob("@key_hash", hash);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            // The index found the row; the comparison that decides is the constant-time one.
            var stored = reader.GetFieldValue<byte[]>(KeyColumnCount + UserColumnCount);
            return CryptographicOperations.FixedTimeEquals(stored, hash)
                ? (ReadKey(reader, 0), UserRows.Read(reader, KeyColumnCount))
                : null;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(long? userId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ApiKeyInfo>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                $"SELECT {KeyColumns} FROM api_keys k {(userId is null ? "" : "WHERE k.user_id = @user_id ")}ORDER BY k.id");
            if (userId is not null)
            {
                command.AddInt64("@user_id", userId);
            }

            var keys = new List<ApiKeyInfo>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add(ReadKey(reader, 0));
            }

            return keys;
        }, cancellationToken);

    public async Task<bool> RevokeApiKeyAsync(long keyId, long atMs, CancellationToken cancellationToken)
    {
        var revoked = await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE api_keys SET revoked_at_ms = @at WHERE id = @id AND revoked_at_ms IS NULL", transaction);
            command.AddInt64("@at", atMs);
            command.AddInt64("@id", keyId);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
        if (revoked)
        {
            AccessChanged?.Invoke();
        }

        return revoked;
    }

    public Task<long> GetAccessFingerprintAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            // Keys are never un-revoked, so their count and latest revocation say whether one was revoked; users are few
            // and read whole (id, admin flag, limits), which also sees one removed and another added.
            await using var command = connection.CreateCommand().WithText(
                "SELECT COUNT(*), COALESCE(MAX(revoked_at_ms), 0), COALESCE(MAX(id), 0) FROM api_keys WHERE revoked_at_ms IS NOT NULL; " +
                "SELECT id, is_admin, weight, max_running, max_queued FROM users ORDER BY id");
            var hash = new HashCode();
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                hash.Add(reader.GetInt64(0));
                hash.Add(reader.GetInt64(1));
                hash.Add(reader.GetInt64(2));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hash.Add(reader.GetInt64(0));
                hash.Add(reader.GetBoolean(1));
                hash.Add(reader.GetNullableDouble(2));
                hash.Add(reader.GetNullableInt32(3));
                hash.Add(reader.GetNullableInt32(4));
            }

            return (long)hash.ToHashCode();
        }, cancellationToken);

    private static async Task<User?> ReadSingleUserAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? UserRows.Read(reader, 0) : null;
    }

    private static ApiKeyInfo ReadKey(DbDataReader reader, int first) => new()
    {
        Id = reader.GetInt64(first),
        UserId = reader.GetInt64(first + 1),
        Prefix = reader.GetString(first + 2),
        Name = reader.GetNullableString(first + 3),
        CreatedAtMs = reader.GetInt64(first + 4),
        RevokedAtMs = reader.GetNullableInt64(first + 5),
    };
}
