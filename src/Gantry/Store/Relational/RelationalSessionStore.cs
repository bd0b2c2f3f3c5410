using System.Security.Cryptography;

namespace Gantry.Store.Relational;

/// <summary>The <c>sessions</c> table (schema step 3) on SQLite or PostgreSQL; the SQL agrees on both.</summary>
internal sealed class RelationalSessionStore(IRelationalDatabase database) : ISessionStore
{
    public Task CreateSessionAsync(NewSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "INSERT INTO sessions (token_hash, user_id, key_id, csrf_token, created_at_ms, last_seen_at_ms, expires_at_ms) " +
                "SELECT @hash, @user_id, @key_id, @csrf, @at, @at, @expires FROM api_keys " +
                "WHERE id = @key_id AND user_id = @user_id AND revoked_at_ms IS NULL", transaction);
            command.AddBlob("@hash", session.TokenHash);
            command.AddInt64("@user_id", session.UserId);
            command.AddInt64("@key_id", session.KeyId);
            command.AddText("@csrf", session.CsrfToken);
            command.AddInt64("@at", session.CreatedAtMs);
            command.AddInt64("@expires", session.ExpiresAtMs);
            return await command.ExecuteNonQueryAsync(ct) == 1
                ? true
                : throw new InvalidOperationException($"API key {session.KeyId} of user {session.UserId} is gone or revoked.");
        }, cancellationToken);
    }

    public async Task<StoredSession?> FindSessionAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken)
    {
        var hash = tokenHash.ToArray();
        return await database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT s.id, s.key_id, s.csrf_token, s.created_at_ms, s.last_seen_at_ms, s.expires_at_ms, " +
                $"{UserRows.Columns}, s.token_hash " +
                "FROM sessions s JOIN api_keys k ON k.id = s.key_id JOIN users u ON u.id = s.user_id " +
                "WHERE s.token_hash = @hash AND k.revoked_at_ms IS NULL");
            command.AddBlob("@hash", hash);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct) || !CryptographicOperations.FixedTimeEquals(reader.GetFieldValue<byte[]>(13), hash))
            {
                return null;
            }

            return new StoredSession(
                reader.GetInt64(0), UserRows.Read(reader, 6), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        }, cancellationToken);
    }

    public Task TouchSessionAsync(long sessionId, long atMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "UPDATE sessions SET last_seen_at_ms = @at WHERE id = @id AND last_seen_at_ms < @at", transaction);
            command.AddInt64("@at", atMs);
            command.AddInt64("@id", sessionId);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<bool> DeleteSessionAsync(ReadOnlyMemory<byte> tokenHash, CancellationToken cancellationToken)
    {
        var hash = tokenHash.ToArray();
        return await database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText("DELETE FROM sessions WHERE token_hash = @hash", transaction);
            command.AddBlob("@hash", hash);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);
    }

    public Task<int> DeleteExpiredSessionsAsync(long nowMs, long idleCutoffMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "DELETE FROM sessions WHERE expires_at_ms <= @now OR last_seen_at_ms <= @idle", transaction);
            command.AddInt64("@now", nowMs);
            command.AddInt64("@idle", idleCutoffMs);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
