using System.Text.Json.Serialization;

namespace Gantry.Api.V2.Contracts;

/// <summary>
/// Serializers for the v2 wire types. Unlike <c>GantryJsonContext</c>, nulls are written: v2 lists nullable members as
/// required, so a job not yet started says <c>"started_at": null</c>.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(V2Job))]
[JsonSerializable(typeof(V2JobWorkflow))]
[JsonSerializable(typeof(V2ErrorEnvelope))]
[JsonSerializable(typeof(V2StatusEvent))]
[JsonSerializable(typeof(V2PreviewEvent))]
[JsonSerializable(typeof(V2Progress))]
[JsonSerializable(typeof(V2Output))]
[JsonSerializable(typeof(V2Asset))]
public sealed partial class V2JsonContext : JsonSerializerContext;
