using System.Text.Json;
using Gantry.Client;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gantry.Mcp;

/// <summary>
/// Client errors on <c>/mcp</c> are answered as such and logged as such: a tool refused by the API (a 403, a 404, an
/// invalid workflow) or called with arguments it cannot bind becomes a tool error (<c>isError: true</c>) logged at
/// Information without a stack trace, where the SDK would log it as a failure with one; a request whose
/// <c>params</c> do not fit its method (e.g. <c>initialize</c> with <c>"params": []</c>) is a JSON-RPC
/// "invalid params" answered with 400, where the SDK would let it escape as a 500.
/// </summary>
public static partial class McpClientErrors
{
    /// <summary>JSON-RPC's "invalid params" error code.</summary>
    public const int InvalidParams = -32602;

    private const string InvalidParamsBody =
        """{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"Invalid params: the request's params do not fit its method."}}""";

    /// <summary>Adds the tool-call filter that turns client errors into logged-once tool errors.</summary>
    public static IMcpServerBuilder WithClientErrors(this IMcpServerBuilder builder)
        => builder.WithRequestFilters(filters => filters.AddCallToolFilter(next => async (request, cancellationToken) =>
        {
            try
            {
                return await next(request, cancellationToken);
            }
            catch (Exception ex) when (IsClientError(ex))
            {
                var tool = request.Params?.Name ?? "";
                var logger = request.Services?.GetService<ILoggerFactory>()?.CreateLogger(typeof(McpClientErrors));
                if (logger is not null)
                {
                    LogToolRefused(logger, tool, ex.Message);
                }

                var text = ex is McpException
                    ? $"An error occurred invoking '{tool}': {ex.Message}"
                    : $"Invalid arguments for '{tool}': {ex.Message}";
                return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = text }] };
            }
        }));

    /// <summary>Answers a JSON-RPC request whose params the SDK could not read with 400 instead of letting it escape as a 500.</summary>
    public static TBuilder WithInvalidParamsAs400<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is not { } inner)
            {
                return;
            }

            endpoint.RequestDelegate = async context =>
            {
                try
                {
                    await inner(context);
                }
                catch (JsonException ex) when (!context.Response.HasStarted)
                {
                    var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(McpClientErrors));
                    if (logger is not null)
                    {
                        LogInvalidParams(logger, ex.Message);
                    }

                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(InvalidParamsBody, context.RequestAborted);
                }
            };
        });
        return builder;
    }

    /// <summary>
    /// A failure the caller caused: an <see cref="McpException"/> (the tools' message for the caller) unless it wraps a
    /// server error of the API, or an argument the SDK could not bind to the tool's parameters.
    /// </summary>
    private static bool IsClientError(Exception ex) => ex switch
    {
        McpException { InnerException: GantryHttpException { Status: { } status } } => (int)status < 500,
        McpException { InnerException: GantryHttpException } => false,
        McpException => true,
        ArgumentException or JsonException => true,
        _ => false,
    };

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "MCP tool {Tool} refused the call: {Reason}")]
    private static partial void LogToolRefused(ILogger logger, string tool, string reason);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "MCP request refused with 400, invalid params: {Reason}")]
    private static partial void LogInvalidParams(ILogger logger, string reason);
}
