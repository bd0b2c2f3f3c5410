using System.Buffers;
using System.Text;
using System.Text.Json;
using Gantry.Engine.Json;

namespace Gantry.Domain;

/// <summary>
/// What a worker must have to run a graph: every <c>class_type</c> it uses, and every model file it names
/// (a literal string input ending in a model file extension, e.g. <c>ckpt_name: "sdxl.safetensors"</c>).
/// Derived once per job, at submit, from the graph parsed at the edge, and stored with it; equal requirements share one <see cref="Key"/>, so capability checks are cached per key.
/// </summary>
public sealed class JobRequirements : IEquatable<JobRequirements>
{
    /// <summary>The extensions ComfyUI lists model folders by (its <c>supported_pt_extensions</c>), plus GGUF and ONNX.</summary>
    private static readonly string[] ModelExtensions =
        [".safetensors", ".ckpt", ".pt", ".pt2", ".pth", ".bin", ".pkl", ".sft", ".gguf", ".onnx"];

    private JobRequirements(IReadOnlyList<string> classTypes, IReadOnlyList<ModelReference> models)
    {
        ClassTypes = classTypes;
        Models = models;
        var files = models.Select(m => m.File).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        AffinityKey = files.Length == 0 ? null : string.Join('\n', files);
        var key = new StringBuilder();
        foreach (var classType in classTypes)
        {
            key.Append(classType).Append('\n');
        }

        foreach (var model in models)
        {
            key.Append('\0').Append(model.ClassType).Append('\0').Append(model.Input).Append('\0').Append(model.File).Append('\n');
        }

        Key = key.ToString();
    }

    /// <summary>A graph that needs nothing (no nodes could be read): any worker fits.</summary>
    public static JobRequirements None { get; } = new([], []);

    /// <summary>The distinct class types, sorted ordinally.</summary>
    public IReadOnlyList<string> ClassTypes { get; }

    /// <summary>The distinct model files with the node input naming them, sorted.</summary>
    public IReadOnlyList<ModelReference> Models { get; }

    /// <summary>The model files the graph loads, as one string; null when it names none. Jobs with equal keys prefer the same worker.</summary>
    public string? AffinityKey { get; }

    /// <summary>A canonical text of the whole requirement set: equal keys, equal requirements.</summary>
    public string Key { get; }

    /// <summary>
    /// Reads a stored API-format prompt with the edge's parser and reader rule (a job stored before the edge refused
    /// what cannot be processed); null when it cannot be read, with the reason.
    /// </summary>
    public static JobRequirements? FromPrompt(ReadOnlySpan<byte> promptJson, out string? error)
    {
        if (!JParser.TryParseRequest(promptJson, out var prompt, out _, out error))
        {
            return null;
        }

        return prompt is JObject graph ? FromPrompt(graph) : None;
    }

    /// <summary>Reads an API-format prompt (<c>{id: {class_type, inputs}}</c>); parts that are not shaped like nodes are skipped.</summary>
    public static JobRequirements FromPrompt(JObject prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var classTypes = new SortedSet<string>(StringComparer.Ordinal);
        var models = new SortedSet<ModelReference>();
        foreach (var (_, node) in prompt)
        {
            if (node is not JObject nodeObject || nodeObject["class_type"] is not JString { Value: { Length: > 0 } classType })
            {
                continue;
            }

            classTypes.Add(classType);
            if (nodeObject["inputs"] is not JObject inputs)
            {
                continue;
            }

            foreach (var (name, value) in inputs)
            {
                if (value is JString { Value: var text } && IsModelFile(text))
                {
                    models.Add(new ModelReference(classType, name, text));
                }
            }
        }

        return classTypes.Count == 0 ? None : new JobRequirements([.. classTypes], [.. models]);
    }

    /// <summary>The stored form: <c>{"classes": [...], "models": [[class, input, file], ...]}</c>.</summary>
    public string ToStoredJson()
    {
        var buffer = new ArrayBufferWriter<byte>(Key.Length * 2 + 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("classes");
            foreach (var classType in ClassTypes)
            {
                writer.WriteStringValue(classType);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("models");
            foreach (var model in Models)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(model.ClassType);
                writer.WriteStringValue(model.Input);
                writer.WriteStringValue(model.File);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <see cref="ToStoredJson"/>'s form back.</summary>
    public static JobRequirements FromStoredJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var classes = root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var models = root.GetProperty("models").EnumerateArray()
            .Select(m => new ModelReference(m[0].GetString()!, m[1].GetString()!, m[2].GetString()!))
            .ToArray();
        return classes.Length == 0 ? None : new JobRequirements(classes, models);
    }

    /// <summary>Whether a string input names a model file (by its extension).</summary>
    public static bool IsModelFile(string value)
        => value.Length > 0 && ModelExtensions.Any(e => value.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    public bool Equals(JobRequirements? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as JobRequirements);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    public override string ToString() => $"{ClassTypes.Count} classes, {Models.Count} models";
}

/// <summary>A model file a graph names: which node class and input take it.</summary>
public readonly record struct ModelReference(string ClassType, string Input, string File) : IComparable<ModelReference>
{
    public int CompareTo(ModelReference other)
    {
        var byClass = string.CompareOrdinal(ClassType, other.ClassType);
        if (byClass != 0)
        {
            return byClass;
        }

        var byInput = string.CompareOrdinal(Input, other.Input);
        return byInput != 0 ? byInput : string.CompareOrdinal(File, other.File);
    }
}
