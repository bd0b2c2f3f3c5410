using System.Text.Json;

namespace Gantry.Api.Cloud;

/// <summary>
/// The body of <c>POST /api/queue</c> and <c>POST /api/history</c>: <c>{delete?: [ids], clear?: bool}</c>,
/// no other properties (the spec says <c>additionalProperties: false</c>). ComfyUI's bare <c>/queue</c> and
/// <c>/history</c> take the same body but ignore other properties (<c>allowOtherProperties</c> of <see cref="Read"/>).
/// </summary>
public sealed record ManageRequest(IReadOnlyList<string> Delete, bool Clear)
{
    public static ManageRequest? Read(JsonElement body, out string? error, bool allowOtherProperties = false)
    {
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "The body must be a JSON object: {\"delete\": [ids], \"clear\": true}.";
            return null;
        }

        var delete = new List<string>();
        var clear = false;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "delete":
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        error = "'delete' must be an array of job ids.";
                        return null;
                    }

                    foreach (var item in property.Value.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String)
                        {
                            error = "'delete' must be an array of job ids (strings).";
                            return null;
                        }

                        delete.Add(item.GetString()!);
                    }

                    break;
                case "clear":
                    if (property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
                    {
                        error = "'clear' must be a boolean.";
                        return null;
                    }

                    clear = property.Value.ValueKind == JsonValueKind.True;
                    break;
                default:
                    if (allowOtherProperties)
                    {
                        break;
                    }

                    error = $"Unknown property '{ApiResults.Truncate(property.Name)}'; only 'delete' and 'clear' are allowed.";
                    return null;
            }
        }

        return new ManageRequest(delete, clear);
    }

    /// <summary>The ids of <see cref="Delete"/> that are job ids at all; others cannot name a job.</summary>
    public IReadOnlyList<Guid> JobIds()
    {
        var ids = new List<Guid>(Delete.Count);
        foreach (var text in Delete)
        {
            if (JobAccess.TryParseJobId(text, out var id) && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
