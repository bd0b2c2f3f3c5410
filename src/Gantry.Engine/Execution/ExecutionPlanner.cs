using Gantry.Engine.Graph;

namespace Gantry.Engine.Execution;

/// <summary>The order a run executes nodes in, or the node where a dependency cycle was found.</summary>
internal sealed record ExecutionPlan(IReadOnlyList<string> Order, string? CycleAt);

/// <summary>
/// Plans a run as ComfyUI's execution list does: dependencies first, depth-first from each requested output in
/// order; nodes whose result was cached when the run started are not expanded (their ancestors need not run).
/// Iterative (its own stack), so a chain of any length is planned without deepening the thread's stack.
/// </summary>
internal static class ExecutionPlanner
{
    public static ExecutionPlan Plan(Prompt prompt, IEnumerable<string> outputs, IReadOnlySet<string> cachedAtStart)
    {
        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var inProgress = new HashSet<string>(StringComparer.Ordinal);
        var stack = new List<(string NodeId, List<string> Dependencies, int Next)>();
        foreach (var output in outputs)
        {
            if (done.Contains(output))
            {
                continue;
            }

            inProgress.Add(output);
            stack.Add((output, DependenciesOf(prompt, output, cachedAtStart), 0));
            while (stack.Count > 0)
            {
                var (nodeId, dependencies, next) = stack[^1];
                if (next < dependencies.Count)
                {
                    stack[^1] = (nodeId, dependencies, next + 1);
                    var dependency = dependencies[next];
                    if (done.Contains(dependency))
                    {
                        continue;
                    }

                    if (!inProgress.Add(dependency))
                    {
                        return new ExecutionPlan(order, dependency);
                    }

                    stack.Add((dependency, DependenciesOf(prompt, dependency, cachedAtStart), 0));
                    continue;
                }

                stack.RemoveAt(stack.Count - 1);
                inProgress.Remove(nodeId);
                done.Add(nodeId);
                order.Add(nodeId);
            }
        }

        return new ExecutionPlan(order, null);
    }

    private static List<string> DependenciesOf(Prompt prompt, string nodeId, IReadOnlySet<string> cachedAtStart)
    {
        var dependencies = new List<string>();
        if (!cachedAtStart.Contains(nodeId) && prompt.Find(nodeId)?.Inputs is { } inputs)
        {
            foreach (var (_, value) in inputs)
            {
                if (PromptLink.TryParse(value, out var link) && prompt.Contains(link.NodeId) && !cachedAtStart.Contains(link.NodeId))
                {
                    dependencies.Add(link.NodeId);
                }
            }
        }

        return dependencies;
    }
}
