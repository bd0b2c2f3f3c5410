using Gantry.Engine.Json;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>The fake's single worker thread: takes the lowest-numbered prompt, runs its script, writes history, then says done.</summary>
public sealed partial class FakeComfyUiServer
{
    private async Task RunPromptsAsync(CancellationToken life)
    {
        while (!life.IsCancellationRequested)
        {
            try
            {
                await _work.WaitAsync(life);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            FakeRun run;
            Func<FakeRun, Task> script;
            lock (_lock)
            {
                var prompt = _pending.OrderBy(p => p.Number).ThenBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault();
                if (prompt is null)
                {
                    continue;
                }

                _pending.Remove(prompt);
                run = new FakeRun(this, prompt, life);
                _running = run;
                script = _scripts.GetValueOrDefault(prompt.Id) ?? Script;
            }

            RunSlot(run.PromptId).TrySetResult(run);
            if (!await ExecuteAsync(run, script, life))
            {
                return;
            }
        }
    }

    /// <summary>Runs one prompt to its end; false when the server died meanwhile (the prompt then never ends).</summary>
    private async Task<bool> ExecuteAsync(FakeRun run, Func<FakeRun, Task> script, CancellationToken life)
    {
        try
        {
            await BroadcastStatusAsync();
            var interrupted = false;
            try
            {
                await script(run);
            }
            catch (FakeInterruptedException)
            {
                interrupted = true;
            }

            await run.EndAsync(interrupted);
            if (life.IsCancellationRequested)
            {
                return false;
            }

            lock (_lock)
            {
                // One step, as ComfyUI's task_done: off the running slot and into history.
                _running = null;
                _history[run.PromptId] = (run, HistoryItem(run, interrupted));
            }

            run.MarkEnded();

            await BroadcastStatusAsync();
            if (run.Prompt.ClientId is { } clientId)
            {
                await SendEventAsync(clientId, "executing", new JObjectBuilder { ["node"] = JValue.Null, ["prompt_id"] = run.PromptId }.Build());
            }

            run.Prompt.Ended.TrySetResult();
            return true;
        }
        catch (OperationCanceledException) when (life.IsCancellationRequested)
        {
            return false;
        }
    }

    private static JObject HistoryItem(FakeRun run, bool interrupted)
    {
        var success = !interrupted && run.Error is null;
        return new JObjectBuilder
        {
            ["prompt"] = run.Prompt.ToQueueItem(),
            ["outputs"] = MergeOutputs(run.Outputs),
            ["status"] = new JObjectBuilder
            {
                ["status_str"] = success ? "success" : "error",
                ["completed"] = success,
                ["messages"] = new JArray(run.Messages),
            }.Build(),
            ["meta"] = new JObject(run.Meta),
        }.Build();
    }

    /// <summary>A node that showed files several times keeps all of them in history.</summary>
    private static JObject MergeOutputs(List<KeyValuePair<string, JValue>> outputs)
    {
        var merged = new List<KeyValuePair<string, JValue>>();
        foreach (var (node, output) in outputs)
        {
            var index = merged.FindIndex(m => m.Key == node);
            if (index < 0 || merged[index].Value is not JObject before || output is not JObject now)
            {
                merged.Add(new(node, output));
                continue;
            }

            var keys = new List<KeyValuePair<string, JValue>>(before);
            foreach (var (key, value) in now)
            {
                var at = keys.FindIndex(k => k.Key == key);
                if (at < 0)
                {
                    keys.Add(new(key, value));
                }
                else
                {
                    keys[at] = new(key, keys[at].Value is JArray a && value is JArray b ? new JArray(a.Concat(b)) : value);
                }
            }

            merged[index] = new(node, new JObject(keys));
        }

        return new JObject(merged);
    }

    /// <summary><c>/interrupt</c>: the running prompt, if it is the one named (or any, when none is named).</summary>
    private void Interrupt(string? promptId)
    {
        lock (_lock)
        {
            if (_running is not null && (promptId is null || string.Equals(_running.PromptId, promptId, StringComparison.OrdinalIgnoreCase)))
            {
                _running.Interrupt();
            }
        }
    }

    /// <summary>The history item of a prompt, honouring a run's hidden-history fault.</summary>
    private JObject? VisibleHistory(string promptId)
    {
        lock (_lock)
        {
            if (!_history.TryGetValue(promptId, out var entry))
            {
                return null;
            }

            var hidden = entry.Run.HiddenHistoryReads;
            if (hidden == 0)
            {
                return entry.Item;
            }

            if (hidden > 0)
            {
                entry.Run.HideHistory(hidden - 1);
            }

            return null;
        }
    }
}
