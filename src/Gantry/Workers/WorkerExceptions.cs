namespace Gantry.Workers;

/// <summary>The worker refused the graph itself (ComfyUI answered 400): the job can never run there.</summary>
public sealed class WorkerRejectedJobException(string message, byte[]? errorBodyJson = null) : Exception(message)
{
    /// <summary>The worker's <c>{error, node_errors}</c> body, when it gave one.</summary>
    public byte[]? ErrorBodyJson { get; } = errorBodyJson;
}

/// <summary>The worker cannot take a job now (unreachable, full, restarting); the job goes elsewhere or waits.</summary>
public sealed class WorkerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
