using System.Buffers;
using System.Text.Json;
using Gantry.Engine.Json;

namespace Gantry.Jobs;

/// <summary>
/// Views of a job's stored <c>extra_data</c> for the read surfaces. Secrets a client put there for
/// partner nodes (<c>api_key_comfy_org</c>, <c>auth_token_comfy_org</c>) go to the worker but are never shown
/// back, as ComfyUI strips them from its history.
/// </summary>
public static class ExtraDataJson
{
    private static readonly string[] SecretKeys = ["api_key_comfy_org", "auth_token_comfy_org"];

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = JParser.MaxDepth };

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
        try
        {
            return Rewrite(extraData is null ? null : JsonDocument.Parse(extraData, Options), dropWorkflow, createTimeMs, clientId, extraData?.Length ?? 0);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Python's literals (NaN, Infinity) are JSON to ComfyUI and were accepted at submit: read them as it does
            // (InvalidOperationException: a lone surrogate in a row stored before the edge refused them).
            // What neither reads (a row stored before the one depth limit) is left out rather than failing the read.
            var python = extraData is not null && JParser.TryParse(extraData, out var parsed, out _) && parsed is JObject extra ? extra : null;
            return RewritePython(python, dropWorkflow, createTimeMs, clientId);
        }
    }

    private static byte[] Rewrite(JsonDocument? document, bool dropWorkflow, long? createTimeMs, string? clientId, int sizeHint)
    {
        using var owned = document;
        var buffer = new ArrayBufferWriter<byte>(sizeHint + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var hasClientId = false;
            if (document is not null && document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (Array.IndexOf(SecretKeys, property.Name) >= 0
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

    /// <summary>The same views for <c>extra_data</c> only Python's reader reads.</summary>
    private static byte[] RewritePython(JObject? extraData, bool dropWorkflow, long? createTimeMs, string? clientId)
    {
        var members = new List<KeyValuePair<string, JValue>>();
        foreach (var (key, value) in extraData ?? JObject.Empty)
        {
            if (Array.IndexOf(SecretKeys, key) >= 0 || (createTimeMs is not null && key == "create_time"))
            {
                continue;
            }

            var kept = dropWorkflow && key == "extra_pnginfo" && value is JObject pngInfo
                ? new JObject(pngInfo.Where(inner => inner.Key != "workflow"))
                : value;
            members.Add(new KeyValuePair<string, JValue>(key, kept));
        }

        if (clientId is not null && !members.Exists(m => m.Key == "client_id"))
        {
            members.Add(new KeyValuePair<string, JValue>("client_id", clientId));
        }

        if (createTimeMs is { } ms)
        {
            members.Add(new KeyValuePair<string, JValue>("create_time", ms));
        }

        return JWriter.ToJsonBytes(new JObject(members));
    }
}
