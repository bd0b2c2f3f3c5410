using System.Buffers;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Jobs;
using Gantry.Store;

namespace Gantry.Api.Cloud;

/// <summary>
/// Writes the <c>JobsListResponse</c> of <c>GET /api/jobs</c> straight from the store's rows into a
/// <see cref="Utf8JsonWriter"/>: no record or entry object per job. The same shape as <see cref="CloudJobViews.ToEntry"/>
/// gives <c>JobEntry</c> (property order, fields left out by state), which the API tests hold both to.
/// </summary>
public sealed class JobListAnswer(CloudJobViews views)
{
    private static readonly JsonEncodedText Jobs = JsonEncodedText.Encode("jobs");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText ExecutionError = JsonEncodedText.Encode("execution_error");
    private static readonly JsonEncodedText CreateTime = JsonEncodedText.Encode("create_time");
    private static readonly JsonEncodedText PreviewOutput = JsonEncodedText.Encode("preview_output");
    private static readonly JsonEncodedText OutputsCount = JsonEncodedText.Encode("outputs_count");
    private static readonly JsonEncodedText WorkflowId = JsonEncodedText.Encode("workflow_id");
    private static readonly JsonEncodedText ExecutionStartTime = JsonEncodedText.Encode("execution_start_time");
    private static readonly JsonEncodedText ExecutionEndTime = JsonEncodedText.Encode("execution_end_time");
    private static readonly JsonEncodedText Pagination = JsonEncodedText.Encode("pagination");
    private static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset");
    private static readonly JsonEncodedText Limit = JsonEncodedText.Encode("limit");
    private static readonly JsonEncodedText Total = JsonEncodedText.Encode("total");
    private static readonly JsonEncodedText HasMore = JsonEncodedText.Encode("has_more");

    /// <summary>Reads the page and writes the whole answer into <paramref name="output"/>.</summary>
    public async Task WriteAsync(IJobStore store, JobListQuery query, IBufferWriter<byte> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteStartArray(Jobs);
        var count = 0;
        var total = await store.ListJobRowsAsync(query, row =>
        {
            WriteEntry(writer, row);
            count++;
        }, cancellationToken);
        writer.WriteEndArray();
        writer.WriteStartObject(Pagination);
        writer.WriteNumber(Offset, query.Offset);
        writer.WriteNumber(Limit, query.Limit);
        writer.WriteNumber(Total, total);
        writer.WriteBoolean(HasMore, (long)query.Offset + count < total);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }

    private void WriteEntry(Utf8JsonWriter writer, JobListRow row)
    {
        var terminal = JobStateMachine.IsTerminal(row.State);
        writer.WriteStartObject();
        writer.WriteString(Id, row.Id);
        writer.WriteString(Status, JobStatusVocabulary.ToWire(JobStatusVocabulary.ToPublicStatus(row.State)));
        if (row.State == JobState.Failed && !row.ExecutionErrorJson.IsEmpty)
        {
            writer.WritePropertyName(ExecutionError);
            writer.WriteRawValue(row.ExecutionErrorJson, skipInputValidation: true);
        }

        writer.WriteNumber(CreateTime, views.ListTime(row.CreatedAtMs));
        if (terminal)
        {
            if (!row.PreviewOutputJson.IsEmpty)
            {
                writer.WritePropertyName(PreviewOutput);
                writer.WriteRawValue(row.PreviewOutputJson, skipInputValidation: true);
            }

            writer.WriteNumber(OutputsCount, row.OutputsCount ?? 0);
        }

        if (row.WorkflowId is not null)
        {
            writer.WriteString(WorkflowId, row.WorkflowId);
        }

        if (terminal && row.ExecutionStartMs is { } start)
        {
            writer.WriteNumber(ExecutionStartTime, start);
        }

        if (terminal && row.ExecutionEndMs is { } end)
        {
            writer.WriteNumber(ExecutionEndTime, end);
        }

        writer.WriteEndObject();
    }
}
