using System.Buffers;
using System.Text;
using System.Text.Json;
using Gantry.Domain;

namespace Gantry.Cli;

/// <summary>The <c>--json</c> output of CLI read commands: stable snake_case fields.</summary>
internal static class CliJson
{
    public static string Keys(IReadOnlyList<ApiKeyInfo> keys, IReadOnlyDictionary<long, User> users)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var key in keys)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", key.Id);
                writer.WriteString("user", users.TryGetValue(key.UserId, out var user) ? user.Name : null);
                writer.WriteString("prefix", key.Prefix);
                writer.WriteString("name", key.Name);
                writer.WriteNumber("created_at", key.CreatedAtMs);
                if (key.RevokedAtMs is { } revoked)
                {
                    writer.WriteNumber("revoked_at", revoked);
                }
                else
                {
                    writer.WriteNull("revoked_at");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Users(IReadOnlyList<User> users)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var user in users)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", user.Id);
                writer.WriteString("name", user.Name);
                writer.WriteBoolean("is_admin", user.IsAdmin);
                WriteNullable(writer, "weight", user.Weight);
                WriteNullable(writer, "max_running", user.MaxRunning);
                WriteNullable(writer, "max_queued", user.MaxQueued);
                writer.WriteNumber("created_at", user.CreatedAtMs);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
