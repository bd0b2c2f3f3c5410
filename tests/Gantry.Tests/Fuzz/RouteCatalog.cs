using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Gantry.Tests.Fuzz;

/// <summary>One route Gantry serves: a method and a pattern such as <c>/api/jobs/{job_id}</c>.</summary>
public sealed record FuzzRoute(string Method, RoutePattern Pattern)
{
    public string Template => "/" + (Pattern.RawText ?? "").TrimStart('/');

    public bool HasJsonBody => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>Every route of the running app, read from its <see cref="EndpointDataSource"/>: a new route is fuzzed without a change here.</summary>
public static class RouteCatalog
{
    public static IReadOnlyList<FuzzRoute> Read(IServiceProvider services)
    {
        var routes = new List<FuzzRoute>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared
                ? declared
                : [HttpMethods.Get, HttpMethods.Post];
            routes.AddRange(methods.Where(m => m != HttpMethods.Options).Select(m => new FuzzRoute(m, endpoint.RoutePattern)));
        }

        return [.. routes.DistinctBy(r => r.ToString()).OrderBy(r => r.ToString(), StringComparer.Ordinal)];
    }
}
