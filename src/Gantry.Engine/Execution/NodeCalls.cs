using System.Collections;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

/// <summary>
/// How one node is called over its input lists and how the calls' results become its outputs: ComfyUI's
/// <c>_async_map_node_over_list</c> and <c>merge_result_data</c>. Pure apart from the node itself.
/// </summary>
internal static class NodeCalls
{
    /// <summary>
    /// Once with whole lists (INPUT_IS_LIST), once with no inputs when every list is empty, else once per index of
    /// the longest list (shorter lists repeat their last item). Checks for cancellation before each call.
    /// </summary>
    public static List<NodeOutput> Invoke(
        ComfyNode node,
        NodeInfo info,
        List<KeyValuePair<string, IReadOnlyList<object?>>> inputs,
        NodeContext context,
        CancellationToken cancellation)
    {
        var lists = inputs.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        var longest = lists.Count == 0 ? 0 : lists.Values.Max(l => l.Count);
        var outputs = new List<NodeOutput>();
        if (info.IsInputList || longest == 0)
        {
            cancellation.ThrowIfCancellationRequested();
            outputs.Add(node.Execute(info.IsInputList ? new NodeInputs(lists, null) : new NodeInputs(new Dictionary<string, IReadOnlyList<object?>>(), 0), context));
            return outputs;
        }

        if (lists.Values.Any(l => l.Count == 0))
        {
            throw NodeException.IndexError("list index out of range");
        }

        for (var i = 0; i < longest; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            context.CallIndex = i;
            outputs.Add(node.Execute(new NodeInputs(lists, i), context));
        }

        return outputs;
    }

    /// <summary>
    /// Per slot, a list of each call's value, or for OUTPUT_IS_LIST slots the concatenation of each call's list.
    /// Calls without results are left out.
    /// </summary>
    public static List<IReadOnlyList<object?>> MergeOutputs(List<NodeOutput> calls, NodeInfo info)
    {
        var results = calls.Where(c => c.Results.Count > 0).Select(c => c.Results).ToList();
        var merged = new List<IReadOnlyList<object?>>();
        if (results.Count == 0)
        {
            return merged;
        }

        var slots = Math.Min(results[0].Count, info.Outputs.Count);
        for (var slot = 0; slot < slots; slot++)
        {
            var values = new List<object?>();
            foreach (var result in results)
            {
                if (slot >= result.Count)
                {
                    throw NodeException.IndexError("tuple index out of range");
                }

                if (!info.Outputs[slot].IsList)
                {
                    values.Add(result[slot]);
                }
                else if (result[slot] is IEnumerable items and not string and not JObject)
                {
                    values.AddRange(items.Cast<object?>());
                }
                else
                {
                    throw NodeException.TypeError($"output {slot} is a list output; '{result[slot]?.GetType().Name ?? "NoneType"}' object is not iterable");
                }
            }

            merged.Add(values);
        }

        return merged;
    }
}
