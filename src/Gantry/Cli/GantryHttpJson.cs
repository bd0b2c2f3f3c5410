using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gantry.Cli;

/// <summary>How the CLI prints server JSON for scripts: indented, as received.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class GantryHttpJsonContext : JsonSerializerContext;
