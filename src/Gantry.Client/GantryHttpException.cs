using System.Net;

namespace Gantry.Client;

/// <summary>What went wrong with a request to Gantry, in the terms a caller acts on.</summary>
public enum GantryFailure
{
    /// <summary>The server could not be reached, did not answer in time, or answered something that is not Gantry's API.</summary>
    Unavailable,

    /// <summary>The key was missing, wrong (401) or not allowed to do this (403).</summary>
    AccessDenied,

    /// <summary>The server refused the request itself (a 4xx with its <c>{code, message}</c>, an unknown job, a job not done yet).</summary>
    Refused,

    /// <summary>The server failed (5xx).</summary>
    ServerError,
}

/// <summary>
/// A request to Gantry failed. <see cref="Exception.Message"/> is a sentence for a person; <see cref="Failure"/>,
/// <see cref="Status"/> and <see cref="Code"/> are for code (the CLI maps them to its exit codes).
/// </summary>
public sealed class GantryHttpException(GantryFailure failure, string message, HttpStatusCode? status = null, string? code = null) : Exception(message)
{
    public GantryFailure Failure { get; } = failure;

    public HttpStatusCode? Status { get; } = status;

    /// <summary>The server's error <c>code</c> (<c>not_found</c>, <c>conflict</c>, …), when it gave one.</summary>
    public string? Code { get; } = code;

    /// <summary>What the server said (its <c>message</c>), without the client's framing; the status line when it said nothing.</summary>
    public string? ServerMessage { get; init; }

    /// <summary>The server's whole error body (for a refused prompt it carries <c>node_errors</c>).</summary>
    public string? Body { get; init; }
}
