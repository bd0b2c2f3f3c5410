using System.Text.Json.Serialization;

namespace Gantry.Api.Editor;

/// <summary>The Cloud spec's <c>ModelFolder</c>: a model folder the fleet has. <c>folders</c> stays empty: the workers' disk paths are theirs.</summary>
public sealed record ModelFolder(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("folders")] string[] Folders);

/// <summary>The Cloud spec's <c>ModelFile</c>.</summary>
public sealed record ModelFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("pathIndex")] int PathIndex);

[JsonSerializable(typeof(ModelFolder[]))]
[JsonSerializable(typeof(ModelFile[]))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
public sealed partial class EditorCatalogJsonContext : JsonSerializerContext;
