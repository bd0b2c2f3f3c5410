using System.Buffers;
using System.Text.Json;

namespace Gantry.Jobs;

/// <summary>
/// Views of a job's stored <c>extra_data</c> for the read surfaces. Secrets a client put there for
/// partner nodes (<c>api_key_comfy_org</c>, <c>auth_token_comfy_org</c>) go to the worker but are never shown
/// back, as ComfyUI strips them from its history.
/// </summary>
public static class ExtraDataJson
{
    private static readonly string[] s_secretKeys = ["api_key_comfy_org", "auth_token_comfy_org"];

    /// <summary>The stored object without secrets; unchanged bytes when it has none.</summary>
    public static byte[] ForDisplay(byte[]? extraData)
    {
        if (extraData is null)
        {
            return "{}"u8.ToArray();
        }

        return MentionsSecret(extraData) ? Rewrite(extraData, dropWorkflow: false, createTimeMs: null, clientId: null) : extraData;
    }

    /// <summary>OSS queue/history form: the object without secrets, with <c>create_time</c> (ms) and <c>client_id</c>.</summary>
    public static byte[] WithCreateTime(byte[]? extraData, long createTimeMs, string? clientId)
        => Rewrite(extraData, dropWorkflow: false, createTimeMs, clientId);

    /// <summary>Cloud history_v2 list form: without <c>extra_pnginfo.workflow</c> and without secrets.</summary>
    public static byte[] WithoutWorkflow(byte[]? extraData) => Rewrite(extraData, dropWorkflow: true, createTimeMs: null, clientId: null);

    /// <summary>The Cloud queue item metadata: <c>{"create_time": ms}</c>.</summary>
    public static byte[] CreateTimeOnly(long createTimeMs) => Rewrite(null, dropWorkflow: false, createTimeMs, clientId: null);

    private static bool MentionsSecret(ReadOnlySpan<byte> json)
        => json.IndexOf("_comfy_org"u8) >= 0;

    private static byte[] Rewrite(byte[]? extraData, bool dropWorkflow, long? createTimeMs, string? clientId)
    {
        var buffer = new ArrayBufferWriter<byte>((extraData?.Length ?? 0) + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var hasClientId = false;
            if (extraData is not null)
            {
                using var document = JsonDocument.Parse(extraData);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (Array.IndexOf(s_secretKeys, property.Name) >= 0
                        || (createTimeMs is not null && property.NameEquals("create_time")))
                    {
                        continue;
                    }

                    hasClientId |= property.NameEquals("client_id");
                    if (dropWorkflow && property.NameEquals("extra_pnginfo") && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        writer.WritePropertyName(property.Name);
                        writer.WriteStartObject();
                        foreach (var inner in property.Value.EnumerateObject())
                        {
                            if (!inner.NameEquals("workflow"))
                            {
                                inner.WriteTo(writer);
                            }
                        }

                        writer.WriteEndObject();
                        continue;
                    }

                    property.WriteTo(writer);
                }
            }

            if (clientId is not null && !hasClientId)
            {
                writer.WriteString("client_id", clientId);
            }

            if (createTimeMs is { } ms)
            {
                writer.WriteNumber("create_time", ms);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
