using System.Collections;
using Gantry.Engine.Catalog;
using Gantry.Engine.Graph;
using Gantry.Engine.Json;

namespace Gantry.Engine.Execution;

internal sealed partial class GraphRun
{
    private ExecutionOutcome ExecuteNode(string nodeId)
    {
        var classType = ClassTypeOf(nodeId);
        List<KeyValuePair<string, IReadOnlyList<object?>>>? inputs = null;
        _progress.Start(nodeId);
        try
        {
            var info = InfoOf(classType) ?? throw NodeException.KeyError(classType);
            inputs = GatherInputs(nodeId, info);
            _sink.Emit(new ExecutingEvent(PromptId, nodeId, nodeId));
            var node = _catalog.Create(classType) ?? throw NodeException.KeyError(classType);
            var context = new NodeContext(PromptId, nodeId, classType, _folders, _signatures.PromptAsRecorded(), _request.ExtraData, _cancellation, _progress);
            var calls = Invoke(node, info, inputs, context);
            var result = new CachedNodeResult(MergeOutputs(calls, info), UiOutput.Merge([.. calls.Select(c => c.Ui).OfType<UiOutput>()]));
            if (result.Ui is not null)
            {
                AddUiOutput(nodeId, result.Ui);
                _sink.Emit(new ExecutedEvent(PromptId, nodeId, nodeId, result.Ui));
            }

            _results[nodeId] = result;
            if (_request.Cache is { } cache && CacheKey(nodeId) is { } key)
            {
                cache.Set(key, result);
            }

            _progress.Finish(nodeId);
            _executed.Add(nodeId);
            return ExecutionOutcome.Success;
        }
        catch (Exception thrown) when (thrown is not OutOfMemoryException)
        {
            var ex = Unwrap(thrown);
            if (ex is OperationCanceledException && _cancellation.IsCancellationRequested)
            {
                Record(new ExecutionInterruptedEvent(PromptId, nodeId, classType, [.. _executed], Now));
                return ExecutionOutcome.Interrupted;
            }

            Record(new ExecutionErrorEvent(
                PromptId,
                nodeId,
                classType,
                [.. _executed],
                ex.Message + "\n",
                PythonExceptions.TypeName(ex),
                PythonExceptions.Traceback(ex),
                FormatInputs(inputs),
                CurrentOutputs(),
                Now));
            return ExecutionOutcome.Error;
        }
    }

    // A node's parallel loop wraps what its bodies threw: report the first real error, or the cancellation.
    private static Exception Unwrap(Exception exception)
    {
        if (exception is not AggregateException aggregate)
        {
            return exception;
        }

        var inner = aggregate.Flatten().InnerExceptions;
        return inner.FirstOrDefault(e => e is not OperationCanceledException) ?? inner.FirstOrDefault() ?? exception;
    }

    // ComfyUI's get_input_data: links give the upstream output list, declared literals a one-item list,
    // hidden inputs their values. Undeclared literals are dropped; a missing upstream value is [None].
    private List<KeyValuePair<string, IReadOnlyList<object?>>> GatherInputs(string nodeId, NodeInfo info)
    {
        var gathered = new List<KeyValuePair<string, IReadOnlyList<object?>>>();
        var inputs = Prompt.Find(nodeId)?.Inputs ?? JObject.Empty;
        foreach (var (name, value) in inputs)
        {
            if (PromptLink.TryParse(value, out var link))
            {
                gathered.Add(new(name, UpstreamOutput(link)));
            }
            else if (info.FindInput(name) is not null || info.Hidden.Any(h => h.Name == name))
            {
                gathered.Add(new(name, [ValueConversion.FromLiteral(value)]));
            }
        }

        foreach (var hidden in info.Hidden)
        {
            IReadOnlyList<object?> hiddenValue = hidden.Kind switch
            {
                HiddenKinds.Prompt => [_signatures.PromptAsRecorded()],
                HiddenKinds.ExtraPngInfo => [_request.ExtraData["extra_pnginfo"]],
                HiddenKinds.UniqueId => [nodeId],
                _ => [null],
            };
            gathered.RemoveAll(g => g.Key == hidden.Name);
            gathered.Add(new(hidden.Name, hiddenValue));
        }

        return gathered;
    }

    private IReadOnlyList<object?> UpstreamOutput(PromptLink link)
    {
        // A node cached at start is never visited when only its descendants run: read its cached result.
        var upstream = _results.GetValueOrDefault(link.NodeId) ?? _cachedAtStart.GetValueOrDefault(link.NodeId);
        if (upstream is null || !link.TryResolveIndex(upstream.Outputs.Count, out var index))
        {
            return [null];
        }

        return upstream.Outputs[index];
    }

    // ComfyUI's _async_map_node_over_list: once with whole lists (INPUT_IS_LIST), once with no inputs
    // when every list is empty, else once per index of the longest list (shorter lists repeat their last item).
    private List<NodeOutput> Invoke(ComfyNode node, NodeInfo info, List<KeyValuePair<string, IReadOnlyList<object?>>> inputs, NodeContext context)
    {
        var lists = inputs.ToDictionary(i => i.Key, i => i.Value, StringComparer.Ordinal);
        var longest = lists.Count == 0 ? 0 : lists.Values.Max(l => l.Count);
        var outputs = new List<NodeOutput>();
        if (info.IsInputList || longest == 0)
        {
            _cancellation.ThrowIfCancellationRequested();
            outputs.Add(node.Execute(info.IsInputList ? new NodeInputs(lists, null) : new NodeInputs(new Dictionary<string, IReadOnlyList<object?>>(), 0), context));
            return outputs;
        }

        if (lists.Values.Any(l => l.Count == 0))
        {
            throw NodeException.IndexError("list index out of range");
        }

        for (var i = 0; i < longest; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            context.CallIndex = i;
            outputs.Add(node.Execute(new NodeInputs(lists, i), context));
        }

        return outputs;
    }

    // ComfyUI's merge_result_data: per slot, a list of each call's value, or for OUTPUT_IS_LIST slots
    // the concatenation of each call's list. Calls without results are left out.
    private static List<IReadOnlyList<object?>> MergeOutputs(List<NodeOutput> calls, NodeInfo info)
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

    // ComfyUI's format_value per input list: None, numbers, booleans and strings as they are, anything else str().
    private static JObject FormatInputs(List<KeyValuePair<string, IReadOnlyList<object?>>>? inputs)
    {
        if (inputs is null)
        {
            return JObject.Empty;
        }

        return new JObject(inputs.Select(i => new KeyValuePair<string, JValue>(i.Key, new JArray(i.Value.Select(FormatValue)))));
    }

    private static JValue FormatValue(object? value) => value switch
    {
        null => JNull.Instance,
        JArray or JObject => new JString(PyFormat.Str(value)),
        JValue json => json,
        string s => new JString(s),
        bool b => JValue.From(b),
        double d => new JFloat(d),
        float f => new JFloat(f),
        long or int or short or byte or sbyte or ushort or uint or ulong or System.Numerics.BigInteger =>
            new JInt(System.Numerics.BigInteger.Parse(PyFormat.Repr(value), System.Globalization.CultureInfo.InvariantCulture)),
        _ => new JString(PyFormat.Str(value)),
    };
}
