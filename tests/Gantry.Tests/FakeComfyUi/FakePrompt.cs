using Gantry.Engine.Json;

namespace Gantry.Tests.FakeComfyUi;

/// <summary>A prompt the fake ComfyUI accepted: the queue item it keeps, and how its run ended.</summary>
public sealed class FakePrompt
{
    internal FakePrompt(double number, bool numberIsFloat, string id, JObject prompt, JObject extraData, IReadOnlyList<string> outputs, byte[] rawBody)
    {
        Number = number;
        NumberIsFloat = numberIsFloat;
        Id = id;
        Prompt = prompt;
        ExtraData = extraData;
        Outputs = outputs;
        RawBody = rawBody;
    }

    public double Number { get; }

    internal bool NumberIsFloat { get; }

    public string Id { get; }

    /// <summary>The API graph as posted.</summary>
    public JObject Prompt { get; }

    public JObject ExtraData { get; }

    public string? ClientId => ExtraData["client_id"]?.AsString;

    /// <summary>Output node ids to execute.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The POST /prompt body exactly as received.</summary>
    public byte[] RawBody { get; }

    /// <summary>Completes when the run ended and its history was written (or never will be: deleted, server stopped).</summary>
    internal TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The positional queue item <c>[number, prompt_id, prompt, extra_data, outputs]</c>.</summary>
    internal JArray ToQueueItem()
        => JArray.Of(NumberValue(), Id, Prompt, ExtraData, JArray.OfStrings(Outputs));

    internal JValue NumberValue() => NumberIsFloat ? new JFloat(Number) : new JInt((long)Number);
}
