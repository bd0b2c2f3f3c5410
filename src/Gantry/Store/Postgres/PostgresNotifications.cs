using System.Threading.Channels;
using Npgsql;

namespace Gantry.Store.Postgres;

/// <summary>
/// PostgreSQL's <c>NOTIFY</c>/<c>LISTEN</c> between Gantry instances. <see cref="ListenAsync"/>: a dedicated PostgreSQL session (never pooled: a pooled one would keep listening after it was returned) that
/// <c>LISTEN</c>s on one channel and hands every notification's payload to the inbox. When the session
/// fails it reports why, waits the retry interval and opens a new one; it runs until cancelled.
/// Notifications sent while no session listens are lost: callers that must not lose one rescan on
/// the listening callback, which runs each time a session starts listening.
/// </summary>
internal static class PostgresNotifications
{
    public static async Task ListenAsync(
        string connectionString, string applicationName, string channel, ChannelWriter<string> inbox, TimeSpan retryInterval,
        TimeProvider time, Action listening, Action<string> failed, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
                {
                    Pooling = false,
                    ApplicationName = applicationName,
                    KeepAlive = 5,
                }.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                connection.Notification += (_, e) => inbox.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                listening();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or IOException)
            {
                failed(ex.Message);
                await Task.Delay(retryInterval, time, cancellationToken);
            }
        }
    }

    /// <summary>Sends <paramref name="payloads"/> on <paramref name="channel"/> in one round trip, in their order.</summary>
    public static async Task SendAsync(NpgsqlDataSource dataSource, string channel, IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var payload in payloads)
        {
            var command = new NpgsqlBatchCommand("SELECT pg_notify(@channel, @payload)");
            command.Parameters.AddWithValue("channel", channel);
            command.Parameters.AddWithValue("payload", payload);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
