using System.Runtime.InteropServices;
using System.Text.Json;
using Gantry.Jobs.Validation;

namespace Gantry.Jobs.Submission;

/// <summary>
/// Takes a prompt request body apart as ComfyUI does, refusing what it cannot accept with
/// ComfyUI's error types (<c>no_prompt</c>, <c>invalid_prompt_id</c>, <c>invalid_prompt</c>).
/// </summary>
public static class PromptRequestReader
{
    public static PromptSubmission? Read(JsonElement body, out PromptValidation? rejection)
    {
        rejection = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "The request body must be a JSON object with a 'prompt' field.");
            return null;
        }

        if (!body.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
        {
            rejection = PromptValidation.Reject("no_prompt", "No prompt provided", "No prompt provided");
            return null;
        }

        if (prompt.ValueKind != JsonValueKind.Object)
        {
            rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'prompt' must be a JSON object of nodes keyed by node id.");
            return null;
        }

        Guid? promptId = null;
        if (body.TryGetProperty("prompt_id", out var idElement) && idElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryParseCanonicalUuid(idElement, out var parsed))
            {
                rejection = PromptValidation.Reject(
                    "invalid_prompt_id",
                    "prompt_id must be a valid UUID",
                    "prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one");
                return null;
            }

            promptId = parsed;
        }

        JsonElement? extraData = null;
        if (body.TryGetProperty("extra_data", out var extra) && extra.ValueKind != JsonValueKind.Null)
        {
            if (extra.ValueKind != JsonValueKind.Object)
            {
                rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'extra_data' must be a JSON object.");
                return null;
            }

            extraData = extra;
        }

        double? number = null;
        if (body.TryGetProperty("number", out var numberElement) && numberElement.ValueKind != JsonValueKind.Null)
        {
            if (numberElement.ValueKind != JsonValueKind.Number || !numberElement.TryGetDouble(out var value))
            {
                rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'number' must be a number.");
                return null;
            }

            number = value;
        }

        if (body.TryGetProperty("front", out var front) && front.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'front' must be a boolean.");
            return null;
        }

        List<string>? targets = null;
        if (body.TryGetProperty("partial_execution_targets", out var targetsElement) && targetsElement.ValueKind != JsonValueKind.Null)
        {
            if (targetsElement.ValueKind != JsonValueKind.Array || targetsElement.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
            {
                rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'partial_execution_targets' must be a list of node ids.");
                return null;
            }

            targets = targetsElement.EnumerateArray().Select(t => t.GetString()!).ToList();
        }

        string? clientId = null;
        if (body.TryGetProperty("client_id", out var clientElement) && clientElement.ValueKind == JsonValueKind.String)
        {
            clientId = clientElement.GetString();
        }
        else if (extraData is { } data && data.TryGetProperty("client_id", out var innerClient) && innerClient.ValueKind == JsonValueKind.String)
        {
            clientId = innerClient.GetString();
        }

        return new PromptSubmission
        {
            PromptId = promptId,
            Prompt = prompt,
            PromptJson = JsonMarshal.GetRawUtf8Value(prompt).ToArray(),
            ExtraDataJson = extraData is { } e ? JsonMarshal.GetRawUtf8Value(e).ToArray() : null,
            ClientId = clientId,
            Number = number,
            PartialExecutionTargets = targets,
            WorkflowId = ReadWorkflowId(extraData),
        };
    }

    /// <summary>Accepts only the canonical lowercase hyphenated form, as ComfyUI does.</summary>
    public static bool TryParseCanonicalUuid(JsonElement element, out Guid id)
    {
        id = default;
        return element.ValueKind == JsonValueKind.String && TryParseCanonicalUuid(element.GetString(), out id);
    }

    public static bool TryParseCanonicalUuid(string? text, out Guid id)
    {
        id = default;
        return text is { Length: 36 }
            && Guid.TryParseExact(text, "D", out id)
            && string.Equals(id.ToString("D"), text, StringComparison.Ordinal);
    }

    private static string? ReadWorkflowId(JsonElement? extraData)
    {
        if (extraData is not { } data
            || !data.TryGetProperty("extra_pnginfo", out var pngInfo) || pngInfo.ValueKind != JsonValueKind.Object
            || !pngInfo.TryGetProperty("workflow", out var workflow) || workflow.ValueKind != JsonValueKind.Object
            || !workflow.TryGetProperty("id", out var id))
        {
            return null;
        }

        return id.ValueKind switch
        {
            JsonValueKind.String => id.GetString(),
            JsonValueKind.Number => id.GetRawText(),
            _ => null,
        };
    }
}
