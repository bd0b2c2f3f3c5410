using System.Text.Json.Serialization;
using Gantry.Api.Admin;
using Gantry.Api.Cloud.Contracts;
using Gantry.Api.Comfy.Contracts;
using Gantry.Api.Comfy;
using Gantry.Http;

namespace Gantry.Api.Json;

/// <summary>Source-generated serializers for every wire type Gantry writes.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(PromptResponse))]
[JsonSerializable(typeof(PromptInfo))]
[JsonSerializable(typeof(PromptErrorResponse))]
[JsonSerializable(typeof(PromptRefusal))]
[JsonSerializable(typeof(JobStatusResponse))]
[JsonSerializable(typeof(JobsListResponse))]
[JsonSerializable(typeof(JobDetailResponse))]
[JsonSerializable(typeof(CancelResponse))]
[JsonSerializable(typeof(QueueInfo))]
[JsonSerializable(typeof(QueueManageResponse))]
[JsonSerializable(typeof(HistoryResponse))]
[JsonSerializable(typeof(Dictionary<string, HistoryDetailEntry>))]
[JsonSerializable(typeof(ServerFeatures))]
[JsonSerializable(typeof(FeatureFlagsMessage))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(Dictionary<string, OssHistoryEntry>))]
[JsonSerializable(typeof(OssError))]
[JsonSerializable(typeof(OssInvalidIdsError))]
[JsonSerializable(typeof(WorkerView))]
[JsonSerializable(typeof(WorkerView[]))]
[JsonSerializable(typeof(AddWorkerRequest))]
[JsonSerializable(typeof(SystemStatsResponse))]
[JsonSerializable(typeof(string[]))]
public sealed partial class GantryJsonContext : JsonSerializerContext;
