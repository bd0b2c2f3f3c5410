using Gantry.Engine.Json;
using Microsoft.AspNetCore.Http;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>
/// <c>POST /prompt</c> as ComfyUI answers it: body parsed whatever the content type (malformed → 500), the
/// prompt id checked for canonical UUID form, class types and outputs checked, a few input checks (the checkpoint
/// combo, LoadImage's file), 400 when no output survives, 200 with <c>node_errors</c> when some did.
/// </summary>
public sealed partial class FakeComfyUiServer
{
    private async Task PostPromptAsync(HttpContext context)
    {
        using var memory = new MemoryStream();
        await context.Request.Body.CopyToAsync(memory, context.RequestAborted);
        var raw = memory.ToArray();
        if (!JParser.TryParse(raw, out var parsed, out _) || parsed is not JObject body || (body.ContainsKey("prompt") && body["prompt"] is not JObject))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("500 Internal Server Error", context.RequestAborted);
            return;
        }

        if (body["prompt"] is not JObject prompt)
        {
            await WriteJsonAsync(context, PromptError("no_prompt", "No prompt provided", "No prompt provided"), StatusCodes.Status400BadRequest);
            return;
        }

        string id;
        if (body["prompt_id"] is null or JNull)
        {
            id = Guid.NewGuid().ToString("D");
        }
        else if (body["prompt_id"] is JString text && Guid.TryParseExact(text.Value, "D", out var guid) && guid.ToString("D") == text.Value)
        {
            id = text.Value;
        }
        else
        {
            await WriteJsonAsync(context, PromptError("invalid_prompt_id", "prompt_id must be a valid UUID",
                "prompt_id must be a UUID string in canonical lowercase hyphenated form; omit it to let the server generate one"), StatusCodes.Status400BadRequest);
            return;
        }

        bool reused;
        lock (_lock)
        {
            reused = RefuseReusedPromptIds && _received.Any(p => p.Id == id);
        }

        if (reused)
        {
            await WriteJsonAsync(context, PromptError("invalid_prompt_id", "prompt_id is already in use",
                $"A job with prompt_id {id} already exists; omit prompt_id to let the server generate one"), StatusCodes.Status400BadRequest);
            return;
        }

        var targets = (body["partial_execution_targets"] as JArray)?.Select(t => t.AsString).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var (error, nodeErrors, outputs) = Validate(prompt, targets);
        if (error is not null)
        {
            await WriteJsonAsync(context, new JObjectBuilder { ["error"] = error, ["node_errors"] = nodeErrors }.Build(), StatusCodes.Status400BadRequest);
            return;
        }

        var extraData = body["extra_data"] as JObject ?? JObject.Empty;
        if (body.ContainsKey("client_id"))
        {
            extraData = extraData.With("client_id", body["client_id"]!);
        }

        extraData = extraData.With("create_time", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        FakePrompt queued;
        lock (_lock)
        {
            var numberIsFloat = body["number"] is JInt or JFloat;
            double number = body["number"] switch
            {
                JInt i => (double)i.Value,
                JFloat f => f.Value,
                _ => body["front"] is JBool { Value: true } ? -_counter : _counter,
            };
            if (!numberIsFloat)
            {
                _counter++;
            }

            queued = new FakePrompt(number, numberIsFloat, id, prompt, extraData, outputs, raw);
            _pending.Add(queued);
            _received.Add(queued);
        }

        _work.Release();
        await BroadcastStatusAsync();
        if (EndRunsBeforeAnswering)
        {
            await queued.Ended.Task.WaitAsync(context.RequestAborted);
        }

        if (BeforeAnswering is { } hook)
        {
            await hook(queued);
        }

        await WriteJsonAsync(context, new JObjectBuilder { ["prompt_id"] = id, ["number"] = queued.NumberValue(), ["node_errors"] = nodeErrors }.Build());
    }

    private (JObject? Error, JObject NodeErrors, IReadOnlyList<string> Outputs) Validate(JObject prompt, HashSet<string>? targets)
    {
        var catalog = ObjectInfo();
        foreach (var (nodeId, value) in prompt)
        {
            var node = value as JObject;
            var classType = node?["class_type"]?.AsString;
            var title = (node?["_meta"] as JObject)?["title"]?.AsString ?? $"ID #{nodeId}";
            if (classType is null || !catalog.ContainsKey(classType))
            {
                var message = classType is null ? $"Node '{title}' has no class_type. The workflow may be corrupted or a custom node is missing."
                    : $"Node '{title}' not found. The custom node may not be installed.";
                var error = PromptError("missing_node_type", message, $"Node ID '#{nodeId}'", new JObjectBuilder
                {
                    ["node_id"] = nodeId,
                    ["class_type"] = classType is null ? JValue.Null : classType,
                    ["node_title"] = title,
                }.Build());
                return ((JObject)error["error"]!, JObject.Empty, []);
            }
        }

        var outputs = prompt.Where(n => FakeCatalog.OutputNodes.Contains(ClassOf(n.Value)) && (targets is null || targets.Contains(n.Key))).Select(n => n.Key).ToList();
        if (outputs.Count == 0)
        {
            return ((JObject)PromptError("prompt_no_outputs", "Prompt has no outputs", "")["error"]!, JObject.Empty, []);
        }

        var errorsByNode = prompt.Select(n => (n.Key, Errors: InputErrors(n.Value as JObject))).Where(n => n.Errors.Count > 0).ToDictionary(n => n.Key, n => n.Errors);
        var nodeErrors = new List<KeyValuePair<string, JValue>>();
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (badNode, errors) in errorsByNode)
        {
            var dependents = outputs.Where(o => Ancestry(prompt, o).Contains(badNode)).ToList();
            if (dependents.Count == 0)
            {
                continue;
            }

            failed.UnionWith(dependents);
            nodeErrors.Add(new(badNode, new JObjectBuilder
            {
                ["errors"] = new JArray(errors),
                ["dependent_outputs"] = JArray.OfStrings(dependents),
                ["class_type"] = ClassOf(prompt[badNode]!),
            }.Build()));
        }

        var valid = outputs.Where(o => !failed.Contains(o)).ToList();
        if (valid.Count == 0)
        {
            var details = string.Join("\n", errorsByNode.Values.SelectMany(e => e).Select(e => $"{e["message"]?.AsString}: {e["details"]?.AsString}"));
            return ((JObject)PromptError("prompt_outputs_failed_validation", "Prompt outputs failed validation", details)["error"]!, new JObject(nodeErrors), []);
        }

        return (null, new JObject(nodeErrors), valid);
    }

    private List<JObject> InputErrors(JObject? node)
    {
        var errors = new List<JObject>();
        var inputs = node?["inputs"] as JObject ?? JObject.Empty;
        switch (ClassOf(node))
        {
            case "CheckpointLoaderSimple":
                var checkpoint = inputs["ckpt_name"]?.AsString ?? "";
                var checkpoints = Models.TryGetValue("checkpoints", out var list) ? list : [];
                if (!checkpoints.Contains(checkpoint))
                {
                    errors.Add(NodeError("value_not_in_list", "Value not in list", $"ckpt_name: '{checkpoint}' not in [{string.Join(", ", checkpoints.Select(c => $"'{c}'"))}]", "ckpt_name", checkpoint));
                }

                break;
            case "LoadImage":
                var image = inputs["image"]?.AsString ?? "";
                var name = image.EndsWith(" [input]", StringComparison.Ordinal) ? image[..^8] : image;
                var slash = name.LastIndexOf('/');
                if (GetFile("input", slash < 0 ? "" : name[..slash], name[(slash + 1)..]) is null)
                {
                    errors.Add(NodeError("custom_validation_failed", "Custom validation failed for node", $"image - Invalid image file: {image}", "image", image));
                }

                break;
        }

        return errors;
    }

    /// <summary>A node and every node it links to, transitively.</summary>
    private static HashSet<string> Ancestry(JObject prompt, string nodeId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>([nodeId]);
        while (todo.TryPop(out var id))
        {
            if (!seen.Add(id))
            {
                continue;
            }

            foreach (var (_, input) in (prompt[id] as JObject)?["inputs"] as JObject ?? JObject.Empty)
            {
                if (input is JArray { Count: 2 } link && link[0] is JString source && link[1] is JInt)
                {
                    todo.Push(source.Value);
                }
            }
        }

        return seen;
    }

    private static string ClassOf(JValue? node) => (node as JObject)?["class_type"]?.AsString ?? "";

    private static JObject NodeError(string type, string message, string details, string input, string received) => new JObjectBuilder
    {
        ["type"] = type,
        ["message"] = message,
        ["details"] = details,
        ["extra_info"] = new JObjectBuilder { ["input_name"] = input, ["received_value"] = received }.Build(),
    }.Build();

    private static JObject PromptError(string type, string message, string details, JObject? extraInfo = null) => new JObjectBuilder
    {
        ["error"] = new JObjectBuilder { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = extraInfo ?? JObject.Empty }.Build(),
        ["node_errors"] = JObject.Empty,
    }.Build();
}
