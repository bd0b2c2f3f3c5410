using System.Text;
using System.Text.Json;

namespace Gantry.Scheduling;

/// <summary>
/// What a worker must have to run a graph: every <c>class_type</c> it uses, and every model file it names
/// (a literal string input ending in a model file extension, e.g. <c>ckpt_name: "sdxl.safetensors"</c>).
/// Derived once per job; equal requirements share one <see cref="Key"/>, so capability checks are cached per key.
/// </summary>
public sealed class JobRequirements : IEquatable<JobRequirements>
{
    /// <summary>The extensions ComfyUI lists model folders by (its <c>supported_pt_extensions</c>), plus GGUF and ONNX.</summary>
    private static readonly string[] s_modelExtensions =
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

    /// <summary>Reads an API-format prompt (<c>{id: {class_type, inputs}}</c>); parts that are not shaped like nodes are skipped.</summary>
    public static JobRequirements FromPrompt(ReadOnlySpan<byte> promptJson)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(promptJson.ToArray());
        }
        catch (JsonException)
        {
            return None;
        }

        using (document)
        {
            return FromPrompt(document.RootElement);
        }
    }

    public static JobRequirements FromPrompt(JsonElement prompt)
    {
        if (prompt.ValueKind != JsonValueKind.Object)
        {
            return None;
        }

        var classTypes = new SortedSet<string>(StringComparer.Ordinal);
        var models = new SortedSet<ModelReference>();
        foreach (var node in prompt.EnumerateObject())
        {
            if (node.Value.ValueKind != JsonValueKind.Object
                || !node.Value.TryGetProperty("class_type", out var classTypeElement)
                || classTypeElement.ValueKind != JsonValueKind.String
                || classTypeElement.GetString() is not { Length: > 0 } classType)
            {
                continue;
            }

            classTypes.Add(classType);
            if (!node.Value.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var input in inputs.EnumerateObject())
            {
                if (input.Value.ValueKind == JsonValueKind.String && input.Value.GetString() is { } value && IsModelFile(value))
                {
                    models.Add(new ModelReference(classType, input.Name, value));
                }
            }
        }

        return classTypes.Count == 0 ? None : new JobRequirements([.. classTypes], [.. models]);
    }

    /// <summary>Whether a string input names a model file (by its extension).</summary>
    public static bool IsModelFile(string value)
        => value.Length > 0 && s_modelExtensions.Any(e => value.EndsWith(e, StringComparison.OrdinalIgnoreCase));

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
