using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gantry.Engine.Json;

/// <summary>
/// Lets System.Text.Json (reflection or source-generated contexts) read and write <see cref="JValue"/>
/// and its subclasses. Writing keeps Python's NaN/Infinity literals; reading takes standard JSON
/// (use <see cref="JParser"/> when the text may hold NaN/Infinity, which Utf8JsonReader refuses).
/// </summary>
public sealed class JValueJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(JValue).IsAssignableFrom(typeToConvert);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter?)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert));

    private sealed class Converter<T> : JsonConverter<T>
        where T : JValue
    {
        public override bool HandleNull => true;

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = ReadValue(ref reader);
            return value as T ?? throw new JsonException($"Expected a JSON {typeof(T).Name}, got {value.Kind}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (value is null)
            {
                writer.WriteNullValue();
                return;
            }

            value.WriteTo(writer);
        }
    }

    internal static JValue ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return JNull.Instance;
            case JsonTokenType.True:
                return JBool.True;
            case JsonTokenType.False:
                return JBool.False;
            case JsonTokenType.String:
                return new JString(reader.GetString() ?? string.Empty);
            case JsonTokenType.Number:
                var raw = Encoding.ASCII.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray());
                return raw.AsSpan().IndexOfAny(".eE") >= 0
                    ? new JFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture))
                    : new JInt(BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            case JsonTokenType.StartArray:
                var items = new List<JValue>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader));
                }

                return new JArray(items);
            case JsonTokenType.StartObject:
                var members = new List<KeyValuePair<string, JValue>>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString() ?? string.Empty;
                    reader.Read();
                    members.Add(new KeyValuePair<string, JValue>(key, ReadValue(ref reader)));
                }

                return new JObject(members);
            default:
                throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
        }
    }
}
