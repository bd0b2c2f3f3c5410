using System.Reflection;
using System.Text;

namespace Gantry.Tests.Architecture;

/// <summary>
/// The folders of one assembly (its namespaces one level below <c>root</c>, e.g. <c>Gantry.Store</c> for
/// the root <c>Gantry</c>) and which folder uses which, with the type pairs behind each edge so that a
/// failing rule can say exactly which type broke it.
/// </summary>
internal sealed class FolderGraph
{
    private readonly Dictionary<string, Dictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private FolderGraph(string root, IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies)
    {
        Root = root;
        Types = dependencies.Keys.Where(t => FolderOf(t) is not null).ToHashSet(StringComparer.Ordinal);
        Folders = Types.Select(t => FolderOf(t)!).ToHashSet(StringComparer.Ordinal);
        foreach (var (type, used) in dependencies)
        {
            if (FolderOf(type) is not { } from)
            {
                continue;
            }
            foreach (var target in used)
            {
                if (FolderOf(target) is not { } to || to == from || !Folders.Contains(to))
                {
                    continue;
                }
                if (!_edges.TryGetValue(from, out var targets))
                {
                    _edges[from] = targets = new(StringComparer.Ordinal);
                }
                if (!targets.TryGetValue(to, out var pairs))
                {
                    targets[to] = pairs = new(StringComparer.Ordinal);
                }
                pairs.Add($"{type} -> {target}");
            }
        }
    }

    public string Root { get; }

    /// <summary>Full names of the (outermost) types the assembly defines under <see cref="Root"/>.</summary>
    public IReadOnlySet<string> Types { get; }

    /// <summary>Full folder namespaces, e.g. <c>Gantry.Store</c>; types right in the root namespace form the folder <c>Gantry</c>.</summary>
    public IReadOnlySet<string> Folders { get; }

    public static FolderGraph Of(Assembly assembly, string root) => new(root, TypeDependencies.Read(assembly));

    public static FolderGraph Of(IReadOnlyDictionary<string, IReadOnlySet<string>> dependencies, string root) => new(root, dependencies);

    /// <summary>The types of <paramref name="from"/> that use a type of <paramref name="to"/> (as "user -> used").</summary>
    public IReadOnlyCollection<string> Uses(string from, string to) =>
        _edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var pairs) ? pairs : [];

    /// <summary>Folders that <paramref name="from"/> uses.</summary>
    public IEnumerable<string> Targets(string from) =>
        _edges.TryGetValue(from, out var targets) ? targets.Keys : [];

    /// <summary>Every "user -> used" pair from <paramref name="from"/> into any of <paramref name="forbidden"/>.</summary>
    public IReadOnlyList<string> Violations(string from, IEnumerable<string> forbidden) =>
        forbidden.SelectMany(to => Uses(from, to)).ToList();

    /// <summary>
    /// The folder cycles (strongly connected components of more than one folder), each described with the
    /// edges that close it, so the message names the types to move.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var index = 0;
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLinks = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();

        void Connect(string v)
        {
            indices[v] = lowLinks[v] = index++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Targets(v))
            {
                if (!indices.ContainsKey(w))
                {
                    Connect(w);
                    lowLinks[v] = Math.Min(lowLinks[v], lowLinks[w]);
                }
                else if (onStack.Contains(w))
                {
                    lowLinks[v] = Math.Min(lowLinks[v], indices[w]);
                }
            }
            if (lowLinks[v] == indices[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    components.Add(component);
                }
            }
        }

        foreach (var folder in Folders.Order(StringComparer.Ordinal))
        {
            if (!indices.ContainsKey(folder))
            {
                Connect(folder);
            }
        }
        return components.Select(Describe).ToList();
    }

    /// <summary>Every folder edge, one line each, for reading the shape of the code.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var from in Folders.Order(StringComparer.Ordinal))
        {
            text.Append(from).Append(" -> ").AppendJoin(", ", Targets(from).Order(StringComparer.Ordinal)).AppendLine();
        }
        return text.ToString();
    }

    private string Describe(List<string> component)
    {
        var members = component.ToHashSet(StringComparer.Ordinal);
        var text = new StringBuilder("cycle between ").AppendJoin(", ", component.Order(StringComparer.Ordinal)).AppendLine(":");
        foreach (var from in component.Order(StringComparer.Ordinal))
        {
            foreach (var to in Targets(from).Where(members.Contains).Order(StringComparer.Ordinal))
            {
                var pairs = Uses(from, to);
                text.Append("  ").Append(from).Append(" -> ").Append(to).Append(" (").Append(pairs.Count).Append(" uses, e.g. ")
                    .AppendJoin("; ", pairs.Take(3)).AppendLine(")");
            }
        }
        return text.ToString();
    }

    private string? FolderOf(string type)
    {
        if (!type.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = type.AsSpan(Root.Length + 1);
        var dot = rest.IndexOf('.');
        return dot < 0 ? Root : Root + "." + rest[..dot].ToString();
    }
}
