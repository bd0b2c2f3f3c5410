using System.Text.Json;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary>
/// A workflow the server refused (400 with ComfyUI's <c>{error, node_errors}</c>): every node's errors, one line each
/// (node id, class, input, message, details), or the server's body as it is for <c>--json</c>.
/// </summary>
internal static class SubmitRefusal
{
    /// <summary>The lines for a refused submit; null when the failure carries no ComfyUI error body.</summary>
    public static IReadOnlyList<string>? Describe(GantryHttpException exception)
    {
        if (Parse(exception) is not { } root)
        {
            return null;
        }

        var lines = new List<string>();
        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var headline = JobReports.Text(error, "message") ?? exception.ServerMessage ?? "The workflow was refused.";
        var headlineDetails = JobReports.Text(error, "details");
        var nodes = root.TryGetProperty("node_errors", out var n) && n.ValueKind == JsonValueKind.Object ? n : default;
        var perNode = nodes.ValueKind == JsonValueKind.Object && nodes.EnumerateObject().Any();
        lines.Add($"The server refused the workflow: {headline}{(perNode || string.IsNullOrEmpty(headlineDetails) ? "" : $": {headlineDetails}")}");
        if (perNode)
        {
            foreach (var node in nodes.EnumerateObject().Where(n => n.Value.ValueKind == JsonValueKind.Object))
            {
                var classType = JobReports.Text(node.Value, "class_type");
                var where = $"node {node.Name}{(classType is null ? "" : $" ({classType})")}";
                if (!node.Value.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var item in errors.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object))
                {
                    var input = item.TryGetProperty("extra_info", out var extra) ? JobReports.Text(extra, "input_name") : null;
                    var message = JobReports.Text(item, "message") ?? "invalid";
                    var details = JobReports.Text(item, "details");
                    lines.Add($"  {where}{(input is null ? "" : $" input '{input}'")}: {message}{(string.IsNullOrEmpty(details) || details == input ? "" : $": {details}")}");
                }
            }
        }

        return lines;
    }

    /// <summary>The server's error body, when it is a ComfyUI prompt error (<c>{"error": {…}, "node_errors": {…}}</c>).</summary>
    public static JsonElement? Parse(GantryHttpException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.Failure != GantryFailure.Refused || string.IsNullOrEmpty(exception.Body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(exception.Body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? root.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
