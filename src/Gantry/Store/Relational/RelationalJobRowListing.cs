using System.Data.Common;
using Gantry.Domain;

namespace Gantry.Store.Relational;

/// <summary>
/// The page of <c>GET /api/jobs</c> read column by column into a <see cref="JobListRowHandler"/>: only the nine columns
/// an entry shows, and no record per row.
/// </summary>
internal sealed class RelationalJobRowListing(IRelationalDatabase database)
{
    /// <summary>The entry columns, in the order <see cref="ReadRow"/> reads them.</summary>
    public const string Columns =
        "j.id, j.state, j.created_at_ms, j.workflow_id, j.execution_start_ms, j.execution_end_ms, j.outputs_count, " +
        "j.preview_output, j.execution_error";

    /// <remarks>The SQL's text depends only on the query's shape (filters present, sort), so a backend can keep it prepared.</remarks>
    public Task<long> ListAsync(JobListQuery query, JobListRowHandler onRow, CancellationToken cancellationToken) =>
        database.QueryAsync(
            JobListSql.Build(query, Columns),
            command => JobListSql.Bind(command, query),
            async (reader, ct) =>
            {
                while (await reader.ReadAsync(ct))
                {
                    ReadRow(reader, onRow);
                }

                await reader.NextResultAsync(ct);
                await reader.ReadAsync(ct);
                return reader.GetInt64(0);
            },
            cancellationToken);

    /// <remarks>
    /// The stored JSON is read as arrays: <c>GetBytes</c> into a pooled buffer looked cheaper, but Microsoft.Data.Sqlite
    /// answers it through a blob stream per call (several KB allocated per row in <c>ListPageBenchmarks</c>).
    /// </remarks>
    private void ReadRow(DbDataReader reader, JobListRowHandler onRow) => onRow(new JobListRow
    {
        Id = database.Dialect.ReadGuid(reader, 0),
        State = (JobState)reader.GetInt32(1),
        CreatedAtMs = reader.GetInt64(2),
        WorkflowId = reader.GetNullableString(3),
        ExecutionStartMs = reader.GetNullableInt64(4),
        ExecutionEndMs = reader.GetNullableInt64(5),
        OutputsCount = reader.GetNullableInt32(6),
        PreviewOutputJson = reader.GetNullableBytes(7),
        ExecutionErrorJson = reader.GetNullableBytes(8),
    });
}
