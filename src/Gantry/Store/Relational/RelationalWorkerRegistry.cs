using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>Workers added at run time (the <c>workers</c> table): a small table, plain statements.</summary>
internal sealed class RelationalWorkerRegistry(IRelationalDatabase database) : IWorkerRegistry
{
    public Task SaveWorkerAsync(WorkerRegistration worker, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "INSERT INTO workers (name, url, auth_header, draining, created_at_ms) " +
                "VALUES (@name, @url, @auth_header, @draining, @at) ON CONFLICT (name) DO UPDATE SET " +
                "url = excluded.url, auth_header = excluded.auth_header, draining = excluded.draining, created_at_ms = excluded.created_at_ms",
                transaction);
            command.AddText("@name", worker.Name);
            command.AddText("@url", worker.Url);
            command.AddText("@auth_header", worker.AuthHeader);
            command.AddBoolean("@draining", worker.Draining);
            command.AddInt64("@at", worker.CreatedAtMs);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<IReadOnlyList<WorkerRegistration>> ListWorkersAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<WorkerRegistration>>(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(
                "SELECT name, url, auth_header, draining, created_at_ms FROM workers ORDER BY name");
            var workers = new List<WorkerRegistration>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                workers.Add(new WorkerRegistration
                {
                    Name = reader.GetString(0),
                    Url = reader.GetString(1),
                    AuthHeader = reader.GetNullableString(2),
                    Draining = reader.GetBoolean(3),
                    CreatedAtMs = reader.GetInt64(4),
                });
            }

            return workers;
        }, cancellationToken);

    public Task<bool> RemoveWorkerAsync(string name, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction, ct) =>
        {
            await using var command = connection.CreateCommand().WithText("DELETE FROM workers WHERE name = @name", transaction);
            command.AddText("@name", name);
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }, cancellationToken);
}
