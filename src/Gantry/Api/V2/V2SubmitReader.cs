using Gantry.Engine.Json;
using Gantry.Jobs.Submission;

namespace Gantry.Api.V2;

/// <summary>
/// Takes a <c>POST /api/v2/jobs</c> body apart: <c>{workflow, extra_data}</c>. The body is parsed once with the same parser
/// as <c>POST /api/prompt</c> (<see cref="JParser.TryParseRequest"/>), and the result is the same
/// <see cref="PromptSubmission"/> the one submit pipeline validates and stores; the stored workflow is the exact byte range
/// of the request's <c>workflow</c> member (unless it references assets: <see cref="V2AssetResolver"/>).
/// </summary>
public static class V2SubmitReader
{
    /// <summary>The members the spec reserves for later and refuses today.</summary>
    private static readonly string[] Reserved = ["webhook_url", "inputs"];

    public static PromptSubmission? Read(ReadOnlySpan<byte> body, string? idempotencyKey, out V2Refusal? refusal)
    {
        refusal = null;
        if (!JParser.TryParseRequest(body, out var parsed, out var ranges, out var parseError))
        {
            refusal = new V2Refusal(V2Errors.InvalidWorkflow, $"The request body is not valid JSON: {parseError}");
            return null;
        }

        if (parsed is not JObject request)
        {
            refusal = new V2Refusal(V2Errors.InvalidWorkflow, "The request body must be a JSON object with a 'workflow' member.");
            return null;
        }

        foreach (var reserved in Reserved)
        {
            if (request.ContainsKey(reserved))
            {
                refusal = new V2Refusal(V2Errors.InvalidRequest, $"'{reserved}' is reserved and not accepted yet.");
                return null;
            }
        }

        if (request["workflow"] is not JObject workflow)
        {
            refusal = new V2Refusal(V2Errors.InvalidWorkflow, "'workflow' must be an API-format workflow: a JSON object of nodes keyed by node id.");
            return null;
        }

        if (IsUiFormat(workflow))
        {
            refusal = new V2Refusal(
                V2Errors.WorkflowFormatUi,
                "This is a UI-format workflow (it has 'nodes' and 'links'); export the API format (Workflow > Export (API)) and submit that.");
            return null;
        }

        JObject? extraData = null;
        if (request["extra_data"] is { } extra and not JNull)
        {
            if (extra is not JObject extraObject)
            {
                refusal = new V2Refusal(V2Errors.InvalidRequest, "'extra_data' must be a JSON object.");
                return null;
            }

            foreach (var member in extraObject)
            {
                if (member.Key != "api_key_comfy_org" || member.Value is not JString)
                {
                    refusal = new V2Refusal(V2Errors.InvalidRequest, "'extra_data' accepts only 'api_key_comfy_org' (a string).");
                    return null;
                }
            }

            extraData = extraObject;
        }

        return new PromptSubmission
        {
            Prompt = workflow,
            PromptJson = body[ranges!["workflow"]].ToArray(),
            ExtraDataJson = extraData is null ? null : body[ranges!["extra_data"]].ToArray(),
            IdempotencyKey = idempotencyKey,
        };
    }

    /// <summary>The UI export has top-level <c>nodes</c> and <c>links</c> arrays; an API graph's members are all node objects.</summary>
    private static bool IsUiFormat(JObject workflow)
        => workflow["nodes"] is JArray && (workflow["links"] is JArray || workflow.ContainsKey("last_node_id") || workflow.ContainsKey("version"));
}

/// <summary>Why a v2 submit body was refused (422 with this code).</summary>
public sealed record V2Refusal(string Code, string Message);
