using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Gantry.Auth;
using Gantry.Client;

namespace Gantry.Mcp;

/// <summary>
/// <c>/mcp</c>: the MCP tools over streamable HTTP, stateless (any instance answers any request), behind the same
/// API-key authentication as the rest of the API. A tool calls this server's own HTTP API with the caller's key,
/// through the connection the request came in on (<see cref="LoopbackApiClients"/>), so it answers exactly as the API does.
/// </summary>
public static class McpHttpEndpoint
{
    public const string Path = "/mcp";

    public static IServiceCollection AddGantryMcpHttp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<LoopbackApiClients>();
        services.AddSingleton(new McpToolSettings(AllowLocalFiles: false));
        services.AddScoped(sp => sp.GetRequiredService<LoopbackApiClients>().ForCurrentRequest());
        services.AddMcpServer(GantryMcp.Configure)
            .WithHttpTransport(options => options.Stateless = true)
            .WithGantryTools()
            .WithClientErrors();
        return services;
    }

    public static IEndpointRouteBuilder MapGantryMcp(this IEndpointRouteBuilder app)
    {
        app.MapMcp(Path).RequireAuthorization().ExcludeFromDescription().WithInvalidParamsAs400();
        return app;
    }
}

/// <summary>
/// API clients for tools running inside an <c>/mcp</c> request: the caller's key, the request's host (so links and
/// TLS names are what the caller sees), and a connection to the local endpoint the request arrived on.
/// </summary>
public sealed class LoopbackApiClients(IHttpContextAccessor accessor) : IDisposable
{
    private readonly ConcurrentDictionary<IPEndPoint, SocketsHttpHandler> _handlers = new();

    public GantryApiClient ForCurrentRequest()
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("Gantry's MCP tools on /mcp run inside an HTTP request.");
        var request = context.Request;
        var address = context.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            address = IPAddress.Loopback;
        }

        var local = new IPEndPoint(address, context.Connection.LocalPort);
        var host = request.Host.HasValue ? request.Host.ToUriComponent() : local.ToString();
        var baseAddress = new Uri($"{request.Scheme}://{host}{request.PathBase.ToUriComponent()}/");
        var key = ApiKeyAuthenticationHandler.ReadKey(request);
        var handler = _handlers.GetOrAdd(local, Create);
        return new GantryApiClient(new GantryHttpConnection(baseAddress, key, "the /mcp request"), handler);
    }

    public void Dispose()
    {
        foreach (var handler in _handlers.Values)
        {
            handler.Dispose();
        }
    }

    private static SocketsHttpHandler Create(IPEndPoint local)
    {
        var handler = GantryHttpClient.CreateHandler();
        handler.ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(local, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }
}
