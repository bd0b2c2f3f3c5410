using System.Buffers.Binary;
using Gantry.Engine.Json;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>
/// One prompt executing on the fake ComfyUI, as a script drives it. Every method sends exactly what ComfyUI sends
/// for that step, to the prompt's client (or to everyone, for the events ComfyUI broadcasts when a prompt has no
/// client id). The script ends the run by returning (success), by <see cref="FailAsync"/>, or by being interrupted
/// (any wait throws <see cref="FakeInterruptedException"/> once <c>/interrupt</c> hit this prompt).
/// </summary>
public sealed class FakeRun
{
    private readonly FakeComfyUiServer _server;
    private readonly TaskCompletionSource _interrupted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _executed = [];
    private readonly CancellationToken _stopped;
    private bool _started;

    internal FakeRun(FakeComfyUiServer server, FakePrompt prompt, CancellationToken stopped)
    {
        _server = server;
        Prompt = prompt;
        _stopped = stopped;
    }

    public FakePrompt Prompt { get; }

    public string PromptId => Prompt.Id;

    /// <summary>The node executing now (what a reconnecting client is told).</summary>
    public string? CurrentNode { get; private set; }

    /// <summary>Completes when the script reached <see cref="HoldAsync"/>.</summary>
    public Task Holding => _holding.Task;

    public bool InterruptRequested => _interrupted.Task.IsCompleted;

    /// <summary>Completes once the run is over and in the history.</summary>
    public Task Ended => _ended.Task;

    internal List<JValue> Messages { get; } = [];

    internal List<KeyValuePair<string, JValue>> Outputs { get; } = [];

    internal List<KeyValuePair<string, JValue>> Meta { get; } = [];

    internal JObject? Error { get; private set; }

    /// <summary>Reads of <c>/history/{id}</c> that answer <c>{}</c> after the run ended; −1 for ever.</summary>
    internal int HiddenHistoryReads { get; private set; }

    /// <summary><c>execution_start</c> and <c>execution_cached</c>; sent by the first step if the script does not call it.</summary>
    public async Task StartAsync(params string[] cachedNodes)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        await RecordAsync("execution_start", new JObjectBuilder { ["prompt_id"] = PromptId, ["timestamp"] = Now }.Build());
        await RecordAsync("execution_cached", new JObjectBuilder { ["nodes"] = JArray.OfStrings(cachedNodes), ["prompt_id"] = PromptId, ["timestamp"] = Now }.Build());
    }

    /// <summary>A node runs: <c>progress_state</c>, <c>executing</c>, <paramref name="steps"/> × <c>progress</c>, <c>progress_state</c> finished.</summary>
    public async Task ExecuteNodeAsync(string nodeId, int steps = 0)
    {
        await StartAsync();
        ThrowIfInterrupted();
        CurrentNode = nodeId;
        await SendAsync("progress_state", ProgressState(nodeId, 0, Math.Max(steps, 1), "running"));
        await SendAsync("executing", new JObjectBuilder { ["node"] = nodeId, ["display_node"] = nodeId, ["prompt_id"] = PromptId }.Build());
        for (var step = 1; step <= steps; step++)
        {
            ThrowIfInterrupted();
            await SendAsync("progress", new JObjectBuilder { ["value"] = step, ["max"] = steps, ["prompt_id"] = PromptId, ["node"] = nodeId }.Build());
        }

        await SendAsync("progress_state", ProgressState(nodeId, Math.Max(steps, 1), Math.Max(steps, 1), "finished"));
        _executed.Add(nodeId);
    }

    /// <summary><c>executed</c> with a UI dict (or null), also kept for the history's outputs.</summary>
    public async Task ExecutedAsync(string nodeId, JObject? output)
    {
        await StartAsync();
        await SendAsync("executed", new JObjectBuilder
        {
            ["node"] = nodeId,
            ["display_node"] = nodeId,
            ["output"] = output ?? JValue.Null,
            ["prompt_id"] = PromptId,
        }.Build());
        if (output is not null)
        {
            Outputs.Add(new(nodeId, output));
            Meta.Add(new(nodeId, new JObjectBuilder { ["node_id"] = nodeId, ["display_node"] = nodeId, ["parent_node"] = JValue.Null, ["real_node_id"] = nodeId }.Build()));
        }
    }

    /// <summary>Writes an image into the fake's output (or temp) folder and announces it with <c>executed</c>.</summary>
    public async Task SaveImageAsync(string nodeId, string filename, byte[]? png = null, string subfolder = "", string type = "output")
    {
        _server.PutFile(type, subfolder, filename, png ?? FakePng.Bytes);
        var image = new JObjectBuilder { ["filename"] = filename, ["subfolder"] = subfolder, ["type"] = type }.Build();
        await ExecutedAsync(nodeId, new JObjectBuilder { ["images"] = JArray.Of(image) }.Build());
    }

    /// <summary>A binary preview frame, type 1 with image type 2 (PNG), as sent without feature flags.</summary>
    public Task SendPreviewAsync(byte[]? png = null)
    {
        var image = png ?? FakePng.Bytes;
        var frame = new byte[8 + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 1);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), 2);
        image.CopyTo(frame, 8);
        return _server.SendBinaryAsync(Prompt.ClientId, frame);
    }

    /// <summary>Any message, as ComfyUI's <c>send_sync</c> would (custom node events, odd shapes).</summary>
    public Task SendAsync(string type, JObject data) => _server.SendEventAsync(Prompt.ClientId, type, data);

    /// <summary>A text frame with anything in it (garbage) to the prompt's client.</summary>
    public Task SendRawTextAsync(string text) => _server.SendRawTextAsync(Prompt.ClientId, text);

    /// <summary>A binary frame with anything in it to the prompt's client.</summary>
    public Task SendRawBinaryAsync(byte[] frame) => _server.SendBinaryAsync(Prompt.ClientId, frame);

    /// <summary>
    /// The node fails: <c>execution_error</c> with the given details; <paramref name="currentInputsJson"/> is raw
    /// Python JSON (it may hold <c>NaN</c>, or be <c>[]</c>). The run ends failed when the script returns.
    /// </summary>
    public async Task FailAsync(string nodeId, string nodeType, string exceptionType, string exceptionMessage, string currentInputsJson = "{}")
    {
        await StartAsync();
        Error = new JObjectBuilder
        {
            ["prompt_id"] = PromptId,
            ["node_id"] = nodeId,
            ["node_type"] = nodeType,
            ["executed"] = JArray.OfStrings(_executed),
            ["exception_message"] = exceptionMessage + "\n",
            ["exception_type"] = exceptionType,
            ["traceback"] = JArray.OfStrings(["  File \"execution.py\", line 1, in execute\n", $"{exceptionType}: {exceptionMessage}\n"]),
            ["current_inputs"] = JParser.Parse(currentInputsJson),
            ["current_outputs"] = JArray.OfStrings(_executed),
            ["timestamp"] = Now,
        }.Build();
        await RecordAsync("execution_error", Error);
    }

    /// <summary>Waits until the test calls <see cref="Release"/> (or the prompt is interrupted, or the server stops).</summary>
    public async Task HoldAsync()
    {
        await StartAsync();
        _holding.TrySetResult();
        var woke = await Task.WhenAny(_release.Task, _interrupted.Task).WaitAsync(_stopped);
        if (woke == _interrupted.Task)
        {
            throw new FakeInterruptedException();
        }
    }

    /// <summary>
    /// A long node without progress callbacks: interrupts are not noticed until the test calls <see cref="Release"/>
    /// (ComfyUI's interrupt is cooperative). Ends only then, or when the server stops.
    /// </summary>
    public async Task HoldUninterruptibleAsync()
    {
        await StartAsync();
        _holding.TrySetResult();
        await _release.Task.WaitAsync(_stopped);
    }

    public void Release() => _release.TrySetResult();

    /// <summary>After the run ends, <c>/history/{id}</c> answers <c>{}</c> this many times (−1: always).</summary>
    public void HideHistory(int reads) => HiddenHistoryReads = reads;

    internal void Interrupt() => _interrupted.TrySetResult();

    internal void MarkEnded() => _ended.TrySetResult();

    internal async Task EndAsync(bool interrupted)
    {
        await StartAsync();
        if (interrupted)
        {
            await RecordAsync("execution_interrupted", new JObjectBuilder
            {
                ["prompt_id"] = PromptId,
                ["node_id"] = CurrentNode ?? JValue.Null,
                ["node_type"] = CurrentNode is null ? JValue.Null : NodeType(CurrentNode),
                ["executed"] = JArray.OfStrings(_executed),
                ["timestamp"] = Now,
            }.Build());
        }
        else if (Error is null)
        {
            await RecordAsync("execution_success", new JObjectBuilder { ["prompt_id"] = PromptId, ["timestamp"] = Now }.Build());
        }

        CurrentNode = null;
    }

    internal string NodeType(string nodeId) => (Prompt.Prompt[nodeId] as JObject)?["class_type"]?.AsString ?? "";

    private void ThrowIfInterrupted()
    {
        _stopped.ThrowIfCancellationRequested();
        if (InterruptRequested)
        {
            throw new FakeInterruptedException();
        }
    }

    private async Task RecordAsync(string type, JObject data)
    {
        Messages.Add(JArray.Of(type, data));
        await SendAsync(type, data);
    }

    private JObject ProgressState(string nodeId, int value, int max, string state) => new JObjectBuilder
    {
        ["prompt_id"] = PromptId,
        ["nodes"] = new JObjectBuilder
        {
            [nodeId] = new JObjectBuilder
            {
                ["value"] = value,
                ["max"] = max,
                ["state"] = state,
                ["node_id"] = nodeId,
                ["prompt_id"] = PromptId,
                ["display_node_id"] = nodeId,
                ["parent_node_id"] = JValue.Null,
                ["real_node_id"] = nodeId,
            }.Build(),
        }.Build(),
    }.Build();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

/// <summary>Thrown inside a script when <c>/interrupt</c> reached its prompt; the run then ends interrupted.</summary>
public sealed class FakeInterruptedException() : Exception("Interrupted.");
