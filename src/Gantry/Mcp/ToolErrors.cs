using System.Text;
using System.Text.Json;
using Gantry.Client;
using ModelContextProtocol;

namespace Gantry.Mcp;

/// <summary>
/// Turns failures of the HTTP API into MCP tool errors (<c>isError: true</c>) carrying the message the API gave,
/// with its status and code; a refused workflow also carries its <c>node_errors</c>.
/// </summary>
public static class ToolErrors
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call();
        }
        catch (GantryHttpException ex)
        {
            throw new McpException(Describe(ex), ex);
        }
        catch (WorkflowInputException ex)
        {
            throw new McpException(ex.Message, ex);
        }
    }

    public static string Describe(GantryHttpException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.Status is null)
        {
            return ex.Message;
        }

        var text = new StringBuilder(ex.ServerMessage ?? ex.Message);
        text.Append(" (HTTP ").Append((int)ex.Status.Value);
        if (ex.Code is not null)
        {
            text.Append(' ').Append(ex.Code);
        }

        text.Append(')');
        AppendPromptDetails(text, ex.Body);
        return text.ToString();
    }

    private static void AppendPromptDetails(StringBuilder text, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && JobReports.Text(error, "details") is { Length: > 0 } details && details != JobReports.Text(error, "message"))
            {
                text.Append(": ").Append(details);
            }

            if (root.TryGetProperty("node_errors", out var nodeErrors) && nodeErrors.ValueKind == JsonValueKind.Object && nodeErrors.EnumerateObject().Any())
            {
                text.Append(" node_errors: ").Append(nodeErrors.GetRawText());
            }
        }
        catch (JsonException)
        {
            // not JSON: the message says it all
        }
    }
}
