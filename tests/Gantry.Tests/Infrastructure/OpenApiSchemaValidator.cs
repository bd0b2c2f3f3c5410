using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Pointer;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// Validates JSON bodies against the schemas of an OpenAPI 3.0 document (the Cloud spec, the v2 spec): loads the YAML,
/// turns OpenAPI 3.0's dialect into JSON Schema 2020-12 (<c>nullable: true</c> adds <c>null</c> to the type), and
/// evaluates with JsonSchema.Net, formats (<c>uuid</c>, <c>date-time</c>, <c>uri</c>) included. <c>$ref</c>s resolve
/// inside the document. Use <see cref="ValidateResponse"/> for an operation's documented answer, or
/// <see cref="ValidateSchema"/> for a named component.
/// </summary>
public sealed class OpenApiSchemaValidator
{
    private static readonly ConcurrentDictionary<string, OpenApiSchemaValidator> Loaded = new(StringComparer.Ordinal);
    private static int _documents;

    private readonly JsonNode _document;
    private readonly Uri _baseUri;
    private readonly EvaluationOptions _options;

    private OpenApiSchemaValidator(JsonNode document)
    {
        _document = document;
        _baseUri = new Uri($"https://openapi.test/{Interlocked.Increment(ref _documents)}/spec.json");
        _options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        _options.SchemaRegistry.Register(_baseUri, new JsonNodeBaseDocument(document, _baseUri));
    }

    /// <summary>The Cloud spec, <c>../shared/spec/openapi-cloud.yaml</c>.</summary>
    public static OpenApiSchemaValidator Cloud => Load(Path.Combine(RepositoryPaths.SharedSpec, "openapi-cloud.yaml"));

    /// <summary>The v2 spec, <c>../shared/spec/openapi-v2.yaml</c>.</summary>
    public static OpenApiSchemaValidator V2 => Load(Path.Combine(RepositoryPaths.SharedSpec, "openapi-v2.yaml"));

    /// <summary>The document at <paramref name="path"/> (read once per process).</summary>
    public static OpenApiSchemaValidator Load(string path) =>
        Loaded.GetOrAdd(Path.GetFullPath(path), full => new OpenApiSchemaValidator(ToJsonSchemaDialect(YamlToJson(File.ReadAllText(full)))!));

    /// <summary>
    /// Problems of <paramref name="body"/> as the answer <paramref name="status"/> of <paramref name="method"/>
    /// <paramref name="path"/> (the spec's path template, e.g. <c>/api/assets/{id}</c>); empty when it conforms.
    /// An answer the operation does not document is itself a problem.
    /// </summary>
    public IReadOnlyList<string> ValidateResponse(string path, string method, int status, JsonElement body)
    {
        var operation = _document["paths"]?[path]?[method.ToLowerInvariant()];
        if (operation is null)
        {
            return [$"The spec has no operation {method.ToUpperInvariant()} {path}."];
        }

        var code = status.ToString(CultureInfo.InvariantCulture);
        var response = Dereference(operation["responses"]?[code] ?? operation["responses"]?["default"]);
        if (response is null)
        {
            return [$"{method.ToUpperInvariant()} {path} documents no {code} answer."];
        }

        if (response["content"]?["application/json"]?["schema"] is not { } schema)
        {
            return [$"{method.ToUpperInvariant()} {path} {code} documents no JSON body."];
        }

        var pointer = $"{PointerOf(schema)}";
        return Evaluate(pointer, body);
    }

    /// <summary>Every operation of the document, as (upper-case method, path template), in the document's order.</summary>
    public IReadOnlyList<(string Method, string Path)> Operations =>
        [.. (_document["paths"]?.AsObject() ?? []).SelectMany(path => (path.Value?.AsObject() ?? [])
            .Where(op => op.Key is "get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace")
            .Select(op => (op.Key.ToUpperInvariant(), path.Key)))];

    /// <summary>
    /// The media types the operation documents for answer <paramref name="status"/> (empty when that answer has no body),
    /// or null when the operation does not document that answer at all.
    /// </summary>
    public IReadOnlyList<string>? ResponseMediaTypes(string path, string method, int status)
    {
        var responses = _document["paths"]?[path]?[method.ToLowerInvariant()]?["responses"];
        var response = Dereference(responses?[status.ToString(CultureInfo.InvariantCulture)] ?? responses?["default"]);
        return response is null ? null : [.. (response["content"]?.AsObject() ?? []).Select(media => media.Key)];
    }

    /// <summary>Problems of <paramref name="instance"/> against <c>#/components/schemas/{name}</c>; empty when it conforms.</summary>
    public IReadOnlyList<string> ValidateSchema(string name, JsonElement instance) =>
        Evaluate($"/components/schemas/{name}", instance);

    /// <summary>Fails the test, listing the problems, when the body does not conform to the documented answer.</summary>
    public void AssertResponse(string path, string method, int status, JsonElement body)
    {
        var problems = ValidateResponse(path, method, status, body);
        if (problems.Count > 0)
        {
            Assert.Fail($"{method.ToUpperInvariant()} {path} {status} does not conform to the spec:\n  {string.Join("\n  ", problems)}\nBody: {body.GetRawText()}");
        }
    }

    private IReadOnlyList<string> Evaluate(string pointer, JsonElement instance)
    {
        var schema = new JsonSchemaBuilder().Ref(new Uri(_baseUri, "#" + pointer)).Build();
        var results = schema.Evaluate(JsonNode.Parse(instance.GetRawText()), _options);
        if (results.IsValid)
        {
            return [];
        }

        var problems = new List<string>();
        foreach (var detail in results.Details.Where(d => d.HasErrors))
        {
            foreach (var (keyword, message) in detail.Errors!)
            {
                problems.Add($"{detail.InstanceLocation} ({keyword} at {detail.EvaluationPath}): {message}");
            }
        }

        return problems.Count > 0 ? problems : ["The body does not conform (no detail given)."];
    }

    /// <summary>Follows a <c>$ref</c> to a non-schema object (a response), within the document.</summary>
    private JsonNode? Dereference(JsonNode? node)
    {
        for (var hops = 0; hops < 8 && node?["$ref"] is JsonValue reference; hops++)
        {
            var text = reference.GetValue<string>();
            node = JsonPointer.Parse(text[1..]).TryEvaluate(_document, out var target) ? target : null;
        }

        return node;
    }

    /// <summary>Where a node sits in the document, as a JSON pointer.</summary>
    private static string PointerOf(JsonNode node) => node.GetPath() switch
    {
        "$" => "",
        var path => JsonPathToPointer(path),
    };

    private static string JsonPathToPointer(string path)
    {
        // GetPath gives $.a.b['c/d'][0]; a pointer escapes ~ and /.
        var parts = new List<string>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                parts.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[' && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                parts.Add(path[(i + 2)..end].Replace("\\'", "'", StringComparison.Ordinal));
                i = end + 2;
            }
            else
            {
                var end = path.IndexOf(']', i);
                parts.Add(path[(i + 1)..end]);
                i = end + 1;
            }
        }

        return string.Concat(parts.Select(part => "/" + part.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
    }

    /// <summary>OpenAPI 3.0 → JSON Schema 2020-12: <c>nullable: true</c> becomes a <c>null</c> type (or an <c>anyOf</c> beside a <c>$ref</c> or <c>allOf</c>).</summary>
    private static JsonNode? ToJsonSchemaDialect(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map.ToList())
                {
                    map[key] = ToJsonSchemaDialect(value?.DeepClone());
                }

                if (map["nullable"] is JsonValue nullable && nullable.TryGetValue<bool>(out var isNullable))
                {
                    map.Remove("nullable");
                    if (isNullable)
                    {
                        if (map["type"] is JsonValue type)
                        {
                            map["type"] = new JsonArray(type.GetValue<string>(), "null");
                            if (map["enum"] is JsonArray values)
                            {
                                values.Add(null);
                            }
                        }
                        else if (map.ContainsKey("$ref") || map.ContainsKey("allOf") || map.ContainsKey("oneOf") || map.ContainsKey("anyOf"))
                        {
                            var inner = new JsonObject();
                            foreach (var key in (string[])["$ref", "allOf", "oneOf", "anyOf"])
                            {
                                if (map[key] is { } part)
                                {
                                    map.Remove(key);
                                    inner[key] = part;
                                }
                            }

                            map["anyOf"] = new JsonArray(inner, new JsonObject { ["type"] = "null" });
                        }
                    }
                }

                return map;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    list[i] = ToJsonSchemaDialect(list[i]?.DeepClone());
                }

                return list;
            default:
                return node;
        }
    }

    private static JsonNode? YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value!, Convert(pair.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType}."),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !text.Contains(':', StringComparison.Ordinal) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
