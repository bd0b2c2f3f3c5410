using System.Text;

namespace Gantry.Tests.Infrastructure;

/// <summary>API-format workflows and request bodies for tests.</summary>
public static class TestWorkflows
{
    /// <summary>A small graph every node catalog of the built-in engine can run: an empty image, inverted, saved.</summary>
    public const string Simple = """
        {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
         "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
         "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "test"}}}
        """;

    public static string Body(string prompt = Simple, string? promptId = null, string? extraData = null)
    {
        var body = new StringBuilder("{\"prompt\": ").Append(prompt);
        if (promptId is not null)
        {
            body.Append(", \"prompt_id\": \"").Append(promptId).Append('"');
        }

        if (extraData is not null)
        {
            body.Append(", \"extra_data\": ").Append(extraData);
        }

        return body.Append('}').ToString();
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>extra_data naming a UI workflow id, as the ComfyUI frontend sends it.</summary>
    public static string ExtraDataWithWorkflowId(string workflowId)
        => $$$"""{"extra_pnginfo": {"workflow": {"id": "{{{workflowId}}}", "nodes": [], "links": []}}, "client_id": "abc"}""";
}
