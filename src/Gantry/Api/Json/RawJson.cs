using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gantry.Api.Json;

/// <summary>
/// JSON bytes that go to the wire exactly as stored (a client's workflow, a worker's outputs):
/// written with <see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>, never parsed or re-serialised.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson(ReadOnlyMemory<byte> utf8)
{
    public static readonly RawJson EmptyObject = new("{}"u8.ToArray());

    public static readonly RawJson EmptyArray = new("[]"u8.ToArray());

    public ReadOnlyMemory<byte> Utf8 { get; } = utf8;

    public static RawJson? From(byte[]? utf8) => utf8 is null ? null : new RawJson(utf8);

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8.Span);
}

public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(JsonSerializer.SerializeToUtf8Bytes(document.RootElement, JsonElementContext.Default.JsonElement));
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
        // Stored JSON was validated when it came in (client body) or produced by our own serializer.
        => writer.WriteRawValue(value.Utf8.Span, skipInputValidation: true);
}

[JsonSerializable(typeof(JsonElement))]
internal sealed partial class JsonElementContext : JsonSerializerContext;
