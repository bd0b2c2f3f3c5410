using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gantry.Store.Relational;

/// <summary>Stores a list of strings (a job's output node ids) as a JSON array in a text column.</summary>
internal static class StringListJson
{
    public static string Encode(IReadOnlyList<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyList<string> Decode(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var values = new List<string>();
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidDataException("outputs_to_execute is not a JSON array.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.GetString() ?? throw new InvalidDataException("outputs_to_execute holds a null."));
        }

        return values;
    }
}
