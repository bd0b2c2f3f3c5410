using System.Net;

namespace Gantry.Workers.ComfyUi;

/// <summary>A request to a ComfyUI worker failed: no answer (<see cref="StatusCode"/> null) or an unexpected status.</summary>
internal sealed class ComfyUiRequestException(string message, HttpStatusCode? statusCode = null, byte[]? body = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The worker's answer, or null when it gave none (refused, reset, timed out).</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    public byte[]? Body { get; } = body;

    /// <summary>True when the worker could not be reached or did not answer in time.</summary>
    public bool NoAnswer => StatusCode is null;
}
