using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Gantry.Tests.Infrastructure;

/// <summary>
/// Checks JSON bodies against the schemas of an OpenAPI 3.0 document (read from its YAML at test time): <c>$ref</c>,
/// <c>type</c>, <c>nullable</c>, <c>required</c>, <c>properties</c>, <c>additionalProperties</c>, <c>items</c>, <c>allOf</c>,
/// <c>enum</c>, <c>minimum</c>/<c>maximum</c> and the <c>date-time</c>, <c>uri</c> and <c>int64</c> formats. Returns every
/// violation with its JSON path, so a failing test says what is wrong.
/// </summary>
public sealed class OpenApiSchemaValidator
{
    private readonly JsonObject _document;

    private OpenApiSchemaValidator(JsonObject document) => _document = document;

    /// <summary>The Comfy API v2 contract, from the shared spec folder beside the repository.</summary>
    public static OpenApiSchemaValidator V2 { get; } = Load(Path.Combine(RepositoryPaths.Root, "..", "shared", "spec", "openapi-v2.yaml"));

    public static OpenApiSchemaValidator Load(string yamlPath)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(yamlPath))
        {
            yaml.Load(reader);
        }

        return new OpenApiSchemaValidator((JsonObject)ToJson(yaml.Documents[0].RootNode)!);
    }

    /// <summary>The violations of <paramref name="body"/> against <c>#/components/schemas/{schemaName}</c>; empty when it conforms.</summary>
    public IReadOnlyList<string> Validate(string schemaName, JsonElement body)
    {
        var errors = new List<string>();
        Check(Resolve(new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" }), body, "$", errors);
        return errors;
    }

    /// <summary>The schema name the response of <paramref name="path"/> <paramref name="method"/> with <paramref name="status"/> refers to.</summary>
    public string? ResponseSchemaName(string path, string method, int status, string mediaType = "application/json")
    {
        var response = _document["paths"]?[path]?[method]?["responses"]?[status.ToString(CultureInfo.InvariantCulture)];
        if (response?["$ref"] is { } reference)
        {
            response = Resolve(response.AsObject());
        }

        var reference2 = response?["content"]?[mediaType]?["schema"]?["$ref"]?.GetValue<string>();
        return reference2?.Split('/')[^1];
    }

    /// <summary>Asserts the body conforms to the schema.</summary>
    public void ShouldConform(string schemaName, JsonElement body)
    {
        var errors = Validate(schemaName, body);
        Assert.True(errors.Count == 0, $"{schemaName} does not conform:\n{string.Join('\n', errors)}\nBody: {body.GetRawText()}");
    }

    private JsonObject Resolve(JsonObject schema)
    {
        var current = schema;
        for (var hops = 0; current["$ref"] is { } reference && hops < 16; hops++)
        {
            JsonNode? node = _document;
            foreach (var part in reference.GetValue<string>().TrimStart('#', '/').Split('/'))
            {
                node = node?[part];
            }

            current = node?.AsObject() ?? throw new InvalidOperationException($"Unresolvable $ref {reference}.");
        }

        return current;
    }

    private void Check(JsonObject schema, JsonElement value, string path, List<string> errors)
    {
        schema = Resolve(schema);
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && schema["type"] is not null)
            {
                errors.Add($"{path}: null but not nullable");
            }

            return;
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var part in allOf)
            {
                Check(part!.AsObject(), value, path, errors);
            }
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a?.ToJsonString() == JsonSerializer.Serialize(value)))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of {allowed.ToJsonString()}");
        }

        switch (schema["type"]?.GetValue<string>())
        {
            case "object":
                CheckObject(schema, value, path, errors);
                break;
            case "array":
                if (value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{path}: expected an array, got {value.ValueKind}");
                    break;
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (schema["items"] is JsonObject items)
                    {
                        Check(items, item, $"{path}[{index}]", errors);
                    }

                    index++;
                }

                break;
            case "string":
                CheckString(schema, value, path, errors);
                break;
            case "integer":
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out _))
                {
                    errors.Add($"{path}: expected an integer, got {value.GetRawText()}");
                }
                else if (schema["format"]?.GetValue<string>() != "int64" && !value.TryGetInt32(out _))
                {
                    errors.Add($"{path}: {value.GetRawText()} is out of int32 range");
                }

                CheckRange(schema, value, path, errors);
                break;
            case "number":
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add($"{path}: expected a number, got {value.ValueKind}");
                }

                CheckRange(schema, value, path, errors);
                break;
            case "boolean":
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected a boolean, got {value.ValueKind}");
                }

                break;
        }
    }

    private void CheckObject(JsonObject schema, JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{path}: expected an object, got {value.ValueKind}");
            return;
        }

        foreach (var required in schema["required"]?.AsArray() ?? [])
        {
            if (!value.TryGetProperty(required!.GetValue<string>(), out _))
            {
                errors.Add($"{path}: required member '{required}' is missing");
            }
        }

        var properties = schema["properties"]?.AsObject();
        foreach (var member in value.EnumerateObject())
        {
            if (properties?[member.Name] is JsonObject property)
            {
                Check(property, member.Value, $"{path}.{member.Name}", errors);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Check(additional, member.Value, $"{path}.{member.Name}", errors);
            }
            else if (schema["additionalProperties"] is JsonValue closed && !closed.GetValue<bool>())
            {
                errors.Add($"{path}: member '{member.Name}' is not allowed");
            }
        }
    }

    private static void CheckString(JsonObject schema, JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}: expected a string, got {value.ValueKind}");
            return;
        }

        var text = value.GetString()!;
        switch (schema["format"]?.GetValue<string>())
        {
            case "date-time" when !DateTimeOffset.TryParseExact(
                text, ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _):
                errors.Add($"{path}: '{text}' is not an RFC 3339 date-time");
                break;
            case "uri" when !Uri.TryCreate(text, UriKind.Absolute, out _):
                errors.Add($"{path}: '{text}' is not an absolute URI");
                break;
            case "uri-reference" when !Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out _):
                errors.Add($"{path}: '{text}' is not a URI reference");
                break;
        }
    }

    private static void CheckRange(JsonObject schema, JsonElement value, string path, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return;
        }

        var number = value.GetDouble();
        if (schema["minimum"] is { } min && number < Number(min))
        {
            errors.Add($"{path}: {number} is below the minimum {min}");
        }

        if (schema["maximum"] is { } max && number > Number(max))
        {
            errors.Add($"{path}: {number} is above the maximum {max}");
        }
    }

    private static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "null" or "~" or "" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
