using System.Net.Http.Headers;
using System.Text;
using Gantry.Tests.Api.Comfy;
using Gantry.Tests.Infrastructure;
using SkiaSharp;

namespace Gantry.Tests.Fuzz;

/// <summary>One fuzzed request: what to send, and a line that says what it was (to report a finding).</summary>
public sealed record FuzzRequest(HttpRequestMessage Message, string Kind, string Description);

/// <summary>What a fuzzed request may refer to: a real job of the caller, the caller's key, the admin's key.</summary>
public sealed record FuzzTargets(string UserKey, string AdminKey, Guid JobId);

/// <summary>
/// Builds mutated requests for a route: path parameters, query strings, headers and bodies (JSON from a valid seed
/// for the route, multipart for uploads), each mutated from something the route accepts.
/// </summary>
public static class FuzzRequests
{
    private static readonly byte[] Png = TestFiles.Png(4, 4, SKColors.Crimson);

    private static readonly string[] QueryNames =
    [
        "limit", "offset", "status", "sort_by", "sort_order", "max_items", "filename", "type", "subfolder", "preview", "channel",
        "clientId", "client_id", "job_ids", "workflow_id", "output_type", "after", "before", "expires", "signature", "token",
    ];

    public static FuzzRequest Build(Random random, FuzzRoute route, FuzzTargets targets)
    {
        var path = FillPath(random, route, targets);
        var query = Query(random);
        var message = new HttpRequestMessage(new HttpMethod(route.Method), path + query);
        var kind = "query";
        if (route.HasJsonBody)
        {
            (message.Content, kind) = Body(random, route, targets);
        }

        Authorize(random, route, targets, message);
        if (Headers(random, message) is { } header)
        {
            kind += "+" + header;
        }
        var description = $"{route} as {message.Method} {Truncate(path + query)} [{kind}]";
        return new FuzzRequest(message, kind, description);
    }

    /// <summary>A valid JSON body for the route, to mutate from.</summary>
    public static string Seed(Random random, FuzzRoute route, FuzzTargets targets)
    {
        var id = targets.JobId.ToString();
        var t = route.Template;
        return t switch
        {
            _ when t.EndsWith("/prompt", StringComparison.Ordinal) => TestWorkflows.Body(extraData: """{"extra_pnginfo": {"workflow": {"nodes": []}}}"""),
            _ when t.EndsWith("/history", StringComparison.Ordinal) || t.EndsWith("/queue", StringComparison.Ordinal) => $$"""{"delete": ["{{id}}"], "clear": false}""",
            _ when t.EndsWith("/interrupt", StringComparison.Ordinal) => $$"""{"prompt_id": "{{id}}"}""",
            _ when t.EndsWith("/jobs/cancel", StringComparison.Ordinal) => $$"""{"job_ids": ["{{id}}"]}""",
            _ when t.Contains("/admin/workers", StringComparison.Ordinal) => """{"name": "fuzz-worker", "url": "http://127.0.0.1:9", "slots": 1}""",
            _ when t.StartsWith("/mcp", StringComparison.Ordinal) => McpSeed(random, id),
            _ => """{"prompt_id": "0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11", "client_id": "fuzz"}""",
        };
    }

    private static string McpSeed(Random random, string id) => random.Next(4) switch
    {
        0 => """{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "fuzz", "version": "1"}}}""",
        1 => """{"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}""",
        _ => $$$$"""{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "get_job_status", "arguments": {"prompt_id": "{{{{id}}}}"}}}""",
    };

    private static string FillPath(Random random, FuzzRoute route, FuzzTargets targets)
    {
        var text = new StringBuilder();
        foreach (var segment in route.Pattern.PathSegments)
        {
            text.Append('/');
            foreach (var part in segment.Parts)
            {
                text.Append(part switch
                {
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                    Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => Uri.EscapeDataString(PathValue(random, parameter.Name, targets)),
                    _ => "",
                });
            }
        }

        return text.Length == 0 ? "/" : text.ToString();
    }

    private static string PathValue(Random random, string name, FuzzTargets targets) => random.Next(10) switch
    {
        0 or 1 or 2 => targets.JobId.ToString(),
        3 => Guid.NewGuid().ToString(),
        4 => name == "sha256" ? new string('a', 64) : "not-a-uuid",
        5 => new string('9', random.Next(1, 2000)),
        6 => "..%2f..%2fetc",
        7 => "\u00e9\u4e2d\U0001F600",
        8 => targets.JobId.ToString().ToUpperInvariant(),
        _ => "EmptyImage",
    };

    private static string Query(Random random)
    {
        if (random.Next(3) == 0)
        {
            return "";
        }

        var parts = Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
        {
            var name = random.Next(12) == 0 ? new string('q', 500) : QueryNames[random.Next(QueryNames.Length)];
            var value = random.Next(14) switch
            {
                0 => "-1",
                1 => "99999999999999999999",
                2 => "",
                3 => "%00",
                4 => "%ED%A0%80",
                5 => "%FF%FE",
                6 => Uri.EscapeDataString(new string('z', 9000)),
                7 => "0",
                8 => "1e9",
                9 => "completed,pending,in_progress,nope",
                10 => "..%2F..%2Fx.png",
                11 => "output",
                12 => "cat.png%20%5Btemp%5D",
                _ => random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return $"{name}={value}";
        });
        return "?" + string.Join('&', parts);
    }

    private static (HttpContent Content, string Kind) Body(Random random, FuzzRoute route, FuzzTargets targets)
    {
        if (route.Template.Contains("upload", StringComparison.Ordinal))
        {
            return MultipartMutator.Build(random, Png);
        }

        var body = JsonMutator.Mutate(random, Seed(random, route, targets));
        var content = new ByteArrayContent(body.Bytes);
        content.Headers.ContentType = random.Next(15) switch
        {
            0 => new MediaTypeHeaderValue("text/plain"),
            1 => MediaTypeHeaderValue.Parse("application/json; charset=utf-16"),
            2 => MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x"),
            _ => new MediaTypeHeaderValue("application/json"),
        };
        return (content, "json-" + body.Kind);
    }

    private static void Authorize(Random random, FuzzRoute route, FuzzTargets targets, HttpRequestMessage message)
    {
        var key = random.Next(25) switch
        {
            0 => null,
            1 => "gk_" + new string('A', 43),
            2 => new string('k', 10_000),
            _ => route.Template.Contains("/admin/", StringComparison.Ordinal) && random.Next(2) == 0 ? targets.AdminKey : targets.UserKey,
        };
        if (key is not null)
        {
            message.Headers.TryAddWithoutValidation(random.Next(3) == 0 ? "Authorization" : "X-API-Key", random.Next(3) == 0 ? "Bearer " + key : key);
        }

        message.Headers.TryAddWithoutValidation("Accept", route.Template.StartsWith("/mcp", StringComparison.Ordinal)
            ? "application/json, text/event-stream"
            : "application/json");
    }

    /// <summary>Adds odd headers now and then; returns a kind when it did.</summary>
    private static string? Headers(Random random, HttpRequestMessage message)
    {
        switch (random.Next(16))
        {
            case 0:
                message.Headers.TryAddWithoutValidation("Range", random.Next(2) == 0 ? "bytes=5-2" : "bytes=0-0,1-1,2-2,-1,99999999999-");
                return "header-range";
            case 1:
                message.Headers.TryAddWithoutValidation("If-None-Match", new string('"', 3000));
                return "header-etag";
            case 2:
                message.Content?.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
                return "header-encoding";
            case 3:
                message.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
                return "header-accept";
            case 4:
                message.Headers.TryAddWithoutValidation("Mcp-Session-Id", new string('s', 200));
                message.Headers.TryAddWithoutValidation("MCP-Protocol-Version", "1999-01-01");
                return "header-mcp";
            default:
                return null;
        }
    }

    private static string Truncate(string text) => text.Length <= 140 ? text : text[..140] + "…";
}
