using System.Buffers;
using System.Data.Common;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// The page of <c>GET /api/jobs</c> read column by column into a <see cref="JobListRowHandler"/>: only the nine columns
/// an entry shows, ids and stored JSON copied into one pooled scratch buffer instead of an array per row and column.
/// </summary>
internal sealed class RelationalJobRowListing(IRelationalDatabase database)
{
    /// <summary>The entry columns, in the order <see cref="ReadRow"/> reads them.</summary>
    public const string Columns =
        "j.id, j.state, j.created_at_ms, j.workflow_id, j.execution_start_ms, j.execution_end_ms, j.outputs_count, " +
        "j.preview_output, j.execution_error";

    public Task<long> ListAsync(JobListQuery query, JobListRowHandler onRow, CancellationToken cancellationToken) =>
        database.ReadAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand().WithText(JobListSql.Build(query, Columns));
            JobListSql.Bind(command, query);
            var scratch = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    scratch = ReadRow(reader, scratch, onRow);
                }

                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                return reader.GetInt64(0);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }, cancellationToken);

    /// <summary>Reads one row and hands it on; returns the scratch buffer (a larger one when a stored JSON needed it).</summary>
    private byte[] ReadRow(DbDataReader reader, byte[] scratch, JobListRowHandler onRow)
    {
        var previewLength = Length(reader, 7);
        var errorLength = Length(reader, 8);
        var needed = 16 + previewLength + errorLength;
        if (scratch.Length < needed)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            scratch = ArrayPool<byte>.Shared.Rent(needed);
        }

        var preview = Copy(reader, 7, scratch, 16, previewLength);
        var error = Copy(reader, 8, scratch, 16 + previewLength, errorLength);
        onRow(new JobListRow
        {
            Id = database.Dialect.ReadGuid(reader, 0, scratch),
            State = (JobState)reader.GetInt32(1),
            CreatedAtMs = reader.GetInt64(2),
            WorkflowId = reader.GetNullableString(3),
            ExecutionStartMs = reader.GetNullableInt64(4),
            ExecutionEndMs = reader.GetNullableInt64(5),
            OutputsCount = reader.GetNullableInt32(6),
            PreviewOutputJson = preview,
            ExecutionErrorJson = error,
        });
        return scratch;
    }

    private static int Length(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));

    private static ReadOnlySpan<byte> Copy(DbDataReader reader, int ordinal, byte[] scratch, int at, int length)
    {
        if (length == 0)
        {
            return default;
        }

        var read = (int)reader.GetBytes(ordinal, 0, scratch, at, length);
        return scratch.AsSpan(at, read);
    }
}
