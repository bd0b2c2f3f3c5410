using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gantry.Tests.Fuzz;

/// <summary>A mutated body and the kind of mutation that made it (the kinds name what a finding is about).</summary>
public sealed record MutatedBody(byte[] Bytes, string Kind)
{
    public string Excerpt => Encoding.UTF8.GetString(Bytes.AsSpan(0, Math.Min(Bytes.Length, 160)));
}

/// <summary>
/// Mutates a valid JSON document the way a hostile or broken client would: structure (drop, add, duplicate keys),
/// types (a value replaced by another type), sizes (long strings, big arrays), depth (nested arrays and objects),
/// numbers at and past their limits, and encodings (lone surrogates, invalid UTF-8, BOM, truncation).
/// </summary>
public static class JsonMutator
{
    private const string Placeholder = "\u0001FUZZ\u0001";

    public static readonly string[] Kinds = ["type", "drop", "add", "size", "depth", "number", "surrogate", "utf8", "truncate", "raw", "duplicate", "valid"];

    public static MutatedBody Mutate(Random random, string seed)
    {
        var kind = Kinds[random.Next(Kinds.Length)];
        var node = JsonNode.Parse(seed);
        var bytes = kind switch
        {
            "valid" => Encoding.UTF8.GetBytes(seed),
            "truncate" => Encoding.UTF8.GetBytes(seed)[..random.Next(0, Math.Max(1, seed.Length))],
            "raw" => Raw(random),
            "surrogate" => Spliced(random, node, random.Next(3) switch { 0 => "\"\\ud800x\"", 1 => "\"\\udfff\"", _ => "\"a\\udc00\\ud800b\"" }),
            "utf8" => Spliced(random, node, "\"\u0002\"", [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80]),
            "duplicate" => Duplicated(random, seed),
            _ => Encoding.UTF8.GetBytes(Structural(random, node, kind)?.ToJsonString() ?? "null"),
        };
        if (random.Next(20) == 0)
        {
            bytes = [0xEF, 0xBB, 0xBF, .. bytes];
        }

        return new MutatedBody(bytes, kind);
    }

    /// <summary>A value of a random type and shape, up to a small size.</summary>
    public static JsonNode? RandomValue(Random random, string kind = "type") => kind switch
    {
        "size" => random.Next(3) switch
        {
            0 => JsonValue.Create(new string('x', random.Next(2) == 0 ? 70_000 : 1_100_000)),
            1 => new JsonArray([.. Enumerable.Range(0, random.Next(1_000, 60_000)).Select(i => (JsonNode?)JsonValue.Create(i))]),
            _ => new JsonObject(Enumerable.Range(0, random.Next(100, 5_000)).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)JsonValue.Create(i)))),
        },
        "depth" => Nested(random.Next(4) switch { 0 => 63, 1 => 65, 2 => 130, _ => 900 }, random.Next(2) == 0),
        "number" => random.Next(8) switch
        {
            0 => JsonValue.Create(-1),
            1 => JsonValue.Create(long.MaxValue),
            2 => JsonValue.Create(long.MinValue),
            3 => JsonValue.Create(0.5),
            4 => JsonValue.Create(1e300),
            5 => JsonValue.Create(int.MaxValue + 1L),
            6 => JsonValue.Create(-0.0),
            _ => JsonValue.Create(ulong.MaxValue),
        },
        _ => random.Next(9) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0),
            2 => JsonValue.Create(random.Next(-5, 5)),
            3 => JsonValue.Create(""),
            4 => JsonValue.Create("0b6f0f5e-6d7b-4f43-9b1a-3c7d2f0a9e11"),
            5 => new JsonArray(),
            6 => new JsonObject(),
            7 => new JsonArray(JsonValue.Create("1"), JsonValue.Create(0)),
            _ => JsonValue.Create("../../etc/passwd"),
        },
    };

    private static JsonNode Nested(int depth, bool arrays)
    {
        JsonNode inner = JsonValue.Create(1);
        for (var i = 0; i < depth; i++)
        {
            inner = arrays ? new JsonArray(inner) : new JsonObject { ["a"] = inner };
        }

        return inner;
    }

    private static JsonNode? Structural(Random random, JsonNode? root, string kind)
    {
        var containers = new List<JsonNode>();
        Collect(root, containers);
        if (containers.Count == 0 || random.Next(12) == 0)
        {
            return RandomValue(random, kind is "drop" or "add" or "duplicate" ? "type" : kind);
        }

        var target = containers[random.Next(containers.Count)];
        switch (target)
        {
            case JsonObject obj when kind == "drop" && obj.Count > 0:
                obj.Remove(obj.ElementAt(random.Next(obj.Count)).Key);
                break;
            case JsonObject obj when kind == "add" || obj.Count == 0:
                obj[random.Next(4) == 0 ? new string('k', 300) : $"extra{random.Next(100)}"] = RandomValue(random);
                break;
            case JsonObject obj:
                obj[obj.ElementAt(random.Next(obj.Count)).Key] = RandomValue(random, kind);
                break;
            case JsonArray array when kind == "drop" && array.Count > 0:
                array.RemoveAt(random.Next(array.Count));
                break;
            case JsonArray array when kind == "add" || array.Count == 0:
                array.Add(RandomValue(random));
                break;
            case JsonArray array:
                array[random.Next(array.Count)] = RandomValue(random, kind);
                break;
        }

        return root;
    }

    private static void Collect(JsonNode? node, List<JsonNode> containers)
    {
        switch (node)
        {
            case JsonObject obj:
                containers.Add(obj);
                foreach (var (_, child) in obj)
                {
                    Collect(child, containers);
                }

                break;
            case JsonArray array:
                containers.Add(array);
                foreach (var child in array)
                {
                    Collect(child, containers);
                }

                break;
        }
    }

    /// <summary>The document with one string value (or key) replaced by raw text the serializer would never write.</summary>
    private static byte[] Spliced(Random random, JsonNode? root, string replacement, byte[]? rawBytes = null)
    {
        var strings = new List<(JsonNode Parent, string? Key, int Index)>();
        CollectStrings(root, strings);
        if (strings.Count == 0)
        {
            return Encoding.UTF8.GetBytes(replacement);
        }

        var (parent, key, index) = strings[random.Next(strings.Count)];
        if (parent is JsonObject obj)
        {
            obj[key!] = Placeholder;
        }
        else
        {
            ((JsonArray)parent)[index] = Placeholder;
        }

        var text = root!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var escaped = JsonSerializer.Serialize(Placeholder, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var at = text.IndexOf(escaped, StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(text[..at]);
        var after = Encoding.UTF8.GetBytes(text[(at + escaped.Length)..]);
        byte[] middle = rawBytes is null ? Encoding.UTF8.GetBytes(replacement) : [(byte)'"', .. rawBytes, (byte)'"'];
        return [.. before, .. middle, .. after];
    }

    private static void CollectStrings(JsonNode? node, List<(JsonNode, string?, int)> strings)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        strings.Add((obj, key, -1));
                    }

                    CollectStrings(child, strings);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        strings.Add((array, null, i));
                    }

                    CollectStrings(array[i], strings);
                }

                break;
        }
    }

    private static byte[] Duplicated(Random random, string seed)
    {
        var at = seed.IndexOf('{', StringComparison.Ordinal);
        return at < 0 ? Encoding.UTF8.GetBytes(seed) : Encoding.UTF8.GetBytes(seed[..(at + 1)] + (random.Next(2) == 0 ? "\"prompt\": 1, " : "\"a\": 1, \"a\": 2, ") + seed[(at + 1)..]);
    }

    private static byte[] Raw(Random random) => random.Next(8) switch
    {
        0 => [],
        1 => "{"u8.ToArray(),
        2 => "[1,]"u8.ToArray(),
        3 => "{\"a\":1}{\"b\":2}"u8.ToArray(),
        4 => "nul"u8.ToArray(),
        5 => [.. Enumerable.Range(0, random.Next(1, 300)).Select(_ => (byte)random.Next(256))],
        6 => Encoding.UTF8.GetBytes(new string('[', 100_000)),
        _ => "\"just a string\""u8.ToArray(),
    };
}
