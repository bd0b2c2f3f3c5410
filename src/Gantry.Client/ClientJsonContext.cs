using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gantry.Client;

/// <summary>How client results are written for scripts (<c>--json</c>) and agents (MCP tool results): snake_case, indented.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(SubmittedJob))]
[JsonSerializable(typeof(JobReport))]
[JsonSerializable(typeof(WaitOutcome))]
[JsonSerializable(typeof(QueueView))]
[JsonSerializable(typeof(IReadOnlyList<HistoryItem>))]
[JsonSerializable(typeof(IReadOnlyList<OutputFile>))]
[JsonSerializable(typeof(IReadOnlyList<NodeSummary>))]
[JsonSerializable(typeof(UploadedImage))]
[JsonSerializable(typeof(CancelOutcome))]
[JsonSerializable(typeof(SavedOutputs))]
[JsonSerializable(typeof(WebhookEndpointInfo))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class ClientJsonContext : JsonSerializerContext;
