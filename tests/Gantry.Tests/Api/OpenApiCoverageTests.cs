using System.Net;
using System.Text.RegularExpressions;
using Gantry.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace Gantry.Tests.Api;

/// <summary>
/// <c>/openapi/v1.json</c> describes every route the app serves: each endpoint of the running app (its
/// <see cref="EndpointDataSource"/>), with each of its methods, is an operation of the served document.
/// </summary>
public sealed partial class OpenApiCoverageTests(SqliteServerFixture fixture) : ServerTestBase(fixture), IClassFixture<SqliteServerFixture>
{
    /// <summary>
    /// Routes that serve files, not an API, and so are left out of the document: the root page (a redirect to the
    /// dashboard, or the configured editor's index), the dashboard's embedded files, the editor's files and its empty
    /// <c>/user.css</c>, the interactive reference's own page and scripts, and the OpenAPI document itself.
    /// </summary>
    private static readonly string[] StaticFiles = ["/", "/dashboard/{path}", "/user.css", "/docs", "/openapi/{documentName}.json"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_route_the_app_serves_is_in_the_OpenAPI_document()
    {
        using var client = Server.CreateClient(apiKey: null);
        using var response = await client.GetAsync("openapi/v1.json", Ct);
        var document = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {Normalize(path.Name)}"))
            .ToHashSet(StringComparer.Ordinal);

        var served = Server.GetService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Path: Normalize(e.RoutePattern.RawText ?? ""), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(r => !IsStaticFiles(r.Path))
            .SelectMany(r => r.Methods.Where(m => m != "HEAD" && m != "OPTIONS").Select(m => $"{m} {r.Path}"))
            .Distinct()
            .ToList();
        served.Count.ShouldBeGreaterThan(100);
        served.ShouldContain("GET /api/jobs");
        served.ShouldContain("POST /dashboard/api/session");

        var missing = served.Where(route => !documented.Contains(route)).Order(StringComparer.Ordinal).ToList();
        missing.ShouldBeEmpty($"served but not in /openapi/v1.json:\n{string.Join('\n', missing)}");
    }

    private static bool IsStaticFiles(string path) =>
        StaticFiles.Contains(path) || path.StartsWith("/docs/", StringComparison.Ordinal) || path.StartsWith("/dashboard/{", StringComparison.Ordinal);

    /// <summary>A route pattern as OpenAPI writes its path: a leading slash, parameters without constraints, catch-all
    /// marks, defaults or the optional mark, and no trailing slash.</summary>
    private static string Normalize(string pattern) =>
        "/" + Parameter().Replace(pattern.Trim('/'), m => "{" + m.Groups["name"].Value + "}");

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
