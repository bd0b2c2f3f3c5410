using System.Text.Json;
using System.Text.Json.Serialization;
using Gantry.Api.Json;

namespace Gantry.Api.Cloud.Contracts;

/// <summary><c>QueueInfo</c> of <c>GET /api/queue</c>.</summary>
public sealed record QueueInfo(
    [property: JsonPropertyName("queue_running")] IReadOnlyList<QueueItem> QueueRunning,
    [property: JsonPropertyName("queue_pending")] IReadOnlyList<QueueItem> QueuePending);

/// <summary>
/// A queue entry, written as the positional array the surface expects:
/// Cloud <c>[number, prompt_id, workflow, output_node_ids, {create_time}]</c>,
/// OSS <c>[number, prompt_id, prompt, extra_data, outputs_to_execute]</c>.
/// </summary>
[JsonConverter(typeof(QueueItemConverter))]
public sealed record QueueItem(double Number, string PromptId, RawJson Prompt, IReadOnlyList<string> OutputNodeIds, RawJson Fourth, bool OssOrder);

public sealed class QueueItemConverter : JsonConverter<QueueItem>
{
    public override QueueItem Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("Queue items are only written.");

    public override void Write(Utf8JsonWriter writer, QueueItem value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Number);
        writer.WriteStringValue(value.PromptId);
        writer.WriteRawValue(value.Prompt.Utf8.Span, skipInputValidation: true);
        if (value.OssOrder)
        {
            writer.WriteRawValue(value.Fourth.Utf8.Span, skipInputValidation: true);
            WriteIds(writer, value.OutputNodeIds);
        }
        else
        {
            WriteIds(writer, value.OutputNodeIds);
            writer.WriteRawValue(value.Fourth.Utf8.Span, skipInputValidation: true);
        }

        writer.WriteEndArray();
    }

    private static void WriteIds(Utf8JsonWriter writer, IReadOnlyList<string> ids)
    {
        writer.WriteStartArray();
        foreach (var id in ids)
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
    }
}

/// <summary><c>QueueManageResponse</c> of <c>POST /api/queue</c>.</summary>
public sealed record QueueManageResponse(
    [property: JsonPropertyName("deleted")] IReadOnlyList<string> Deleted,
    [property: JsonPropertyName("cleared")] bool Cleared);
