using System.Reflection;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;

namespace Gantry.Engine.Catalog;

/// <summary>
/// The node classes the engine can execute. Immutable: <see cref="With(Func{ComfyNode})"/> returns a
/// new catalog, so one catalog can serve many runs at once. <see cref="Describe(string, EngineFolders)"/> turns a class into
/// <see cref="NodeInfo"/> data (file combos are listed from the given folders at that moment).
/// </summary>
public sealed class NodeCatalog
{
    private readonly IReadOnlyList<Registration> _registrations;
    private readonly Dictionary<string, Registration> _byClassType;

    private NodeCatalog(IReadOnlyList<Registration> registrations)
    {
        _registrations = registrations;
        _byClassType = registrations.ToDictionary(r => r.Schema.ClassType, StringComparer.Ordinal);
    }

    public static NodeCatalog Empty { get; } = new([]);

    /// <summary>The class types, in registration order.</summary>
    public IReadOnlyList<string> ClassTypes => [.. _registrations.Select(r => r.Schema.ClassType)];

    /// <summary>
    /// The product node pack: every non-abstract <see cref="ComfyNode"/> with a public parameterless
    /// constructor in the <c>Gantry.Engine.Nodes</c> namespace (and below), ordered by class type.
    /// </summary>
    public static NodeCatalog CreateDefault()
    {
        var types = typeof(NodeCatalog).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true, Namespace: not null }
                && t.Namespace.StartsWith("Gantry.Engine.Nodes", StringComparison.Ordinal)
                && typeof(ComfyNode).IsAssignableFrom(t)
                && t.GetConstructor(BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes) is not null)
            .Select(t => (Func<ComfyNode>)(() => (ComfyNode)Activator.CreateInstance(t)!))
            .Select(factory => new Registration(factory, factory().Schema))
            .OrderBy(r => r.Schema.ClassType, StringComparer.Ordinal);
        return new NodeCatalog([.. types]);
    }

    /// <summary>A catalog with <typeparamref name="TNode"/> added (replacing a node of the same class type).</summary>
    public NodeCatalog With<TNode>()
        where TNode : ComfyNode, new() => With(() => new TNode());

    /// <summary>A catalog with the node made by <paramref name="factory"/> added (replacing one of the same class type).</summary>
    public NodeCatalog With(Func<ComfyNode> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var schema = factory().Schema;
        var kept = _registrations.Where(r => !string.Equals(r.Schema.ClassType, schema.ClassType, StringComparison.Ordinal));
        return new NodeCatalog([.. kept, new Registration(factory, schema)]);
    }

    public bool Contains(string classType) => _byClassType.ContainsKey(classType);

    public NodeSchema? GetSchema(string classType) => _byClassType.GetValueOrDefault(classType)?.Schema;

    /// <summary>A new instance of the node class, or null when unknown.</summary>
    public ComfyNode? Create(string classType) => _byClassType.GetValueOrDefault(classType)?.Factory();

    /// <summary>The class as <c>/object_info</c> data, or null when unknown.</summary>
    public NodeInfo? Describe(string classType, EngineFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return _byClassType.TryGetValue(classType, out var registration) ? DescribeRegistration(registration, folders) : null;
    }

    /// <summary>Every class as data, in registration order (the engine's <c>/object_info</c>).</summary>
    public NodeInfoSet DescribeAll(EngineFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        return new NodeInfoSet(_registrations.Select(r => DescribeRegistration(r, folders)));
    }

    /// <summary>The engine's whole <c>/object_info</c> response.</summary>
    public JObject ToObjectInfo(EngineFolders folders) => DescribeAll(folders).ToObjectInfo();

    /// <summary>A lookup for validation that describes classes on demand and remembers them.</summary>
    public INodeInfoSource AsSource(EngineFolders folders) => new LazySource(this, folders);

    private static NodeInfo DescribeRegistration(Registration registration, EngineFolders folders)
    {
        var schema = registration.Schema;
        return new NodeInfo(schema.ClassType, [.. schema.Inputs.Select(i => Describe(i, folders))], [.. schema.Outputs])
        {
            DisplayName = schema.DisplayName ?? schema.ClassType,
            Category = schema.Category,
            Description = schema.Description,
            PythonModule = schema.PythonModule,
            OutputNode = schema.IsOutputNode,
            IsInputList = schema.IsInputList,
            NotIdempotent = schema.NotIdempotent,
            Deprecated = schema.Deprecated,
            Experimental = schema.Experimental,
            DevOnly = schema.DevOnly,
            HasIntermediateOutput = schema.HasIntermediateOutput,
            Hidden = [.. schema.Hidden],
            SearchAliases = [.. schema.SearchAliases],
            EssentialsCategory = schema.EssentialsCategory,
            CustomValidation = schema.HasCustomValidation
                ? new CustomInputValidation(
                    [.. schema.ValidatedInputs],
                    (nodeId, inputs) => registration.Factory().ValidateInputs(inputs, new NodeEnvironment(nodeId, folders)),
                    schema.ValidatesAllInputs,
                    schema.ValidatesInputTypes)
                : null,
        };
    }

    // An input as /object_info shows it: file combos (ComboSource) are listed from the folders now.
    private static InputSpec Describe(InputDefinition input, EngineFolders folders)
    {
        var section = input.IsOptional ? InputSection.Optional : InputSection.Required;
        var values = input.ComboSource is null ? null : JArray.OfStrings(ListValues(input.ComboSource, folders));
        var options = input.HasOptions ? input.Options : null;
        return (input.Combo, values) switch
        {
            (ComboStyle.Legacy, not null) => new InputSpec(input.Name, section, values, options),
            (ComboStyle.Modern, not null) => new InputSpec(input.Name, section, input.Type, input.Options.With("options", values)),
            _ => new InputSpec(input.Name, section, input.Type, options),
        };
    }

    // A folder that is missing or unreadable lists nothing rather than failing the whole catalog.
    private static IReadOnlyList<string> ListValues(Func<EngineFolders, IReadOnlyList<string>> source, EngineFolders folders)
    {
        try
        {
            return source(folders);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private sealed record Registration(Func<ComfyNode> Factory, NodeSchema Schema);

    private sealed class LazySource(NodeCatalog catalog, EngineFolders folders) : INodeInfoSource
    {
        private readonly Dictionary<string, NodeInfo?> _described = new(StringComparer.Ordinal);

        public NodeInfo? Find(string classType)
        {
            lock (_described)
            {
                if (!_described.TryGetValue(classType, out var info))
                {
                    info = catalog.Describe(classType, folders);
                    _described[classType] = info;
                }

                return info;
            }
        }
    }
}
