using System.Globalization;
using Gantry.Engine.Json;
using Gantry.Jobs.Validation;

namespace Gantry.Jobs.Submission;

/// <summary>
/// Takes a prompt request body apart as ComfyUI does, refusing what it cannot accept with
/// ComfyUI's error types (<c>no_prompt</c>, <c>invalid_json</c>, <c>invalid_prompt_id</c>, <c>invalid_prompt</c>).
/// </summary>
/// <remarks>
/// The body is parsed once, here, with the parser that reads what Python's <c>json.loads</c> reads (<see cref="JParser"/>),
/// under Gantry's one depth limit and reader rule (no lone surrogates). The stored prompt and <c>extra_data</c> are the
/// exact byte ranges of the body, so the workflow stays as the client sent it.
/// </remarks>
public static class PromptRequestReader
{
    public static PromptSubmission? Read(ReadOnlySpan<byte> body, out PromptValidation? rejection)
    {
        rejection = null;
        if (!JParser.TryParseRequest(body, out var parsed, out var ranges, out var parseError))
        {
            rejection = PromptValidation.Reject("invalid_json", "Invalid JSON", $"The request body is not valid JSON: {parseError}");
            return null;
        }

        if (parsed is not JObject request)
        {
            rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "The request body must be a JSON object with a 'prompt' field.");
            return null;
        }

        var prompt = request["prompt"];
        if (prompt is null or JNull)
        {
            rejection = PromptValidation.Reject("no_prompt", "No prompt provided", "No prompt provided");
            return null;
        }

        if (prompt is not JObject promptObject)
        {
            rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'prompt' must be a JSON object of nodes keyed by node id.");
            return null;
        }

        Guid? promptId = null;
        if (request["prompt_id"] is { } idValue and not JNull)
        {
            if (!TryParseCanonicalUuid(idValue.AsString, out var id))
            {
                rejection = PromptValidation.Reject(
                    "invalid_prompt_id",
                    "prompt_id must be a valid UUID",
                    "prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one");
                return null;
            }

            promptId = id;
        }

        JObject? extraData = null;
        if (request["extra_data"] is { } extra and not JNull)
        {
            if (extra is not JObject extraObject)
            {
                rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'extra_data' must be a JSON object.");
                return null;
            }

            extraData = extraObject;
        }

        double? number = null;
        if (request["number"] is { } numberValue and not JNull)
        {
            // Finite only: it is stored and shown back as a JSON number.
            if (ToNumber(numberValue) is not { } value || !double.IsFinite(value))
            {
                rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'number' must be a finite number.");
                return null;
            }

            number = value;
        }

        if (request["front"] is { } front and not (JBool or JNull))
        {
            rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'front' must be a boolean.");
            return null;
        }

        List<string>? targets = null;
        if (request["partial_execution_targets"] is { } targetsValue and not JNull)
        {
            if (targetsValue is not JArray targetList || targetList.Any(t => t is not JString))
            {
                rejection = PromptValidation.Reject("invalid_prompt", "Invalid prompt", "'partial_execution_targets' must be a list of node ids.");
                return null;
            }

            targets = [.. targetList.Select(t => t.AsString!)];
        }

        var clientId = request["client_id"]?.AsString ?? extraData?["client_id"]?.AsString;
        return new PromptSubmission
        {
            PromptId = promptId,
            Prompt = promptObject,
            PromptJson = body[ranges!["prompt"]].ToArray(),
            ExtraDataJson = extraData is null ? null : body[ranges!["extra_data"]].ToArray(),
            ClientId = clientId,
            Number = number,
            PartialExecutionTargets = targets,
            WorkflowId = ReadWorkflowId(extraData),
        };
    }

    public static bool TryParseCanonicalUuid(string? text, out Guid id)
    {
        id = default;
        return text is { Length: 36 }
            && Guid.TryParseExact(text, "D", out id)
            && string.Equals(id.ToString("D"), text, StringComparison.Ordinal);
    }

    private static double? ToNumber(JValue value) => value switch
    {
        JInt i => (double)i.Value,
        JFloat f => f.Value,
        _ => null,
    };

    private static string? ReadWorkflowId(JObject? extraData)
    {
        if (extraData?["extra_pnginfo"] is not JObject pngInfo || pngInfo["workflow"] is not JObject workflow)
        {
            return null;
        }

        return workflow["id"] switch
        {
            JString s => s.Value,
            JInt i => i.Value.ToString(CultureInfo.InvariantCulture),
            JFloat => JWriter.ToJsonString(workflow["id"]!),
            _ => null,
        };
    }
}
