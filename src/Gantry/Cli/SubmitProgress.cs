using System.Globalization;
using System.Text.Json;
using Gantry.Client;
using Spectre.Console;

namespace Gantry.Cli;

/// <summary>Shows a running job's events (from <c>/ws</c>) as they come: which node runs, its steps, what came from the cache.</summary>
internal abstract class SubmitProgress(IReadOnlyDictionary<string, string> classTypes)
{
    private readonly HashSet<string> _started = [];

    protected int NodeCount => classTypes.Count;

    public void OnEvent(GantryEvent message)
    {
        switch (message.Type)
        {
            case "execution_start":
                Started();
                break;
            case "execution_cached" when message.Data.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Array:
                var cached = nodes.EnumerateArray().Select(n => n.ToString()).ToList();
                foreach (var node in cached)
                {
                    _started.Add(node);
                }

                if (cached.Count > 0)
                {
                    Cached(cached);
                }

                break;
            case "executing" when message.Node is { } node && _started.Add(node):
                NodeStarted(node, ClassOf(node), _started.Count);
                break;
            case "progress" when message.Node is { } node && Number(message.Data, "value") is { } value && Number(message.Data, "max") is { } max:
                Step(node, ClassOf(node), value, max);
                break;
        }
    }

    protected string ClassOf(string node) => classTypes.TryGetValue(node, out var type) ? type : "?";

    protected abstract void Started();

    protected abstract void Cached(IReadOnlyList<string> nodes);

    protected abstract void NodeStarted(string node, string classType, int ordinal);

    protected abstract void Step(string node, string classType, double value, double max);

    private static double? Number(JsonElement data, string name)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.TryGetDouble(out var number) ? number : null;
}

/// <summary>One line per fact, for logs, pipes and tests (anything that is not an interactive terminal).</summary>
internal sealed class LineProgress(IReadOnlyDictionary<string, string> classTypes, TextWriter output) : SubmitProgress(classTypes)
{
    protected override void Started() => output.WriteLine("Running.");

    protected override void Cached(IReadOnlyList<string> nodes) => output.WriteLine($"Cached: node {string.Join(", ", nodes)}");

    protected override void NodeStarted(string node, string classType, int ordinal)
        => output.WriteLine($"[{ordinal}/{NodeCount}] node {node} {classType}");

    protected override void Step(string node, string classType, double value, double max)
        => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      node {node} {classType}: step {value:0}/{max:0}"));
}

/// <summary>A live display on a terminal: an overall bar, and a bar per node that fills with its steps.</summary>
internal sealed class LiveProgress(IReadOnlyDictionary<string, string> classTypes, ProgressContext context) : SubmitProgress(classTypes)
{
    private readonly ProgressTask _overall = context.AddTask("[bold]job[/]", maxValue: Math.Max(1, classTypes.Count));
    private readonly Dictionary<string, ProgressTask> _nodes = [];
    private ProgressTask? _current;

    public void Finish()
    {
        foreach (var task in _nodes.Values)
        {
            task.Value = task.MaxValue;
        }

        _overall.Value = _overall.MaxValue;
    }

    protected override void Started() => _overall.Description = "[bold]job[/] running";

    protected override void Cached(IReadOnlyList<string> nodes)
    {
        foreach (var node in nodes)
        {
            var task = context.AddTask($"node {Markup.Escape(node)} {Markup.Escape(ClassOf(node))} [grey](cached)[/]", maxValue: 1);
            task.Value = 1;
            _nodes[node] = task;
        }

        _overall.Value = Math.Min(_overall.MaxValue, _overall.Value + nodes.Count);
    }

    protected override void NodeStarted(string node, string classType, int ordinal)
    {
        if (_current is not null)
        {
            _current.Value = _current.MaxValue;
        }

        _current = context.AddTask($"node {Markup.Escape(node)} {Markup.Escape(classType)}", maxValue: 1);
        _nodes[node] = _current;
        _overall.Value = Math.Min(_overall.MaxValue, ordinal - 1);
    }

    protected override void Step(string node, string classType, double value, double max)
    {
        if (_nodes.TryGetValue(node, out var task))
        {
            task.MaxValue = Math.Max(1, max);
            task.Value = value;
        }
    }
}
