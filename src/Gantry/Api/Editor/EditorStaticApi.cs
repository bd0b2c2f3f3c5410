using Gantry.Auth;
using Gantry.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Editor;

/// <summary>
/// The editor's optional catalogs that Gantry has none of, answered empty in the shapes the editor and the Cloud spec
/// expect (a 404 would be an error in the editor): translations of custom nodes (<c>/api/i18n</c>), workflow
/// templates (<c>/api/workflow_templates</c>, <c>/templates/index.json</c> and its companions), subgraph blueprints
/// (<c>/api/global_subgraphs</c>), node replacements, the user stylesheet; and the server log for admins (<c>/internal/logs</c>,
/// its <c>raw</c> form and <c>subscribe</c>, which the editor's log panel calls).
/// </summary>
public static class EditorStaticApi
{
    private static readonly string[] TemplateIndexes = ["index.json"];

    public static IEndpointRouteBuilder MapEditorStatic(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["", "/api"])
        {
            app.MapGet(prefix + "/i18n", EmptyObject).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
            app.MapGet(prefix + "/node_replacements", EmptyObject).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
            app.MapGet(prefix + "/internal/logs", Logs).WithTags(Comfy.ComfyNativeApi.Tag);
            app.MapGet(prefix + "/internal/logs/raw", RawLogs).WithTags(Comfy.ComfyNativeApi.Tag);
            app.MapMethods(prefix + "/internal/logs/subscribe", [HttpMethods.Patch], SubscribeLogs).WithTags(Comfy.ComfyNativeApi.Tag);
        }

        app.MapGet("/workflow_templates", EmptyObject).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        app.MapGet("/api/workflow_templates", EmptyObject).WithName("getWorkflowTemplates").WithTags("workflow").AllowAnonymous();
        app.MapGet("/global_subgraphs", EmptyObject).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        app.MapGet("/api/global_subgraphs", EmptyObject).WithName("getGlobalSubgraphs").WithTags("workflow").AllowAnonymous();
        app.MapGet("/api/global_subgraphs/{id}", Subgraph).WithName("getGlobalSubgraph").WithTags("workflow").AllowAnonymous();
        app.MapGet("/templates/{**path}", Template).WithTags(Comfy.ComfyNativeApi.Tag).AllowAnonymous();
        app.MapGet("/user.css", () => TypedResults.Text("", "text/css")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    public static ContentHttpResult EmptyObject() => TypedResults.Text("{}", "application/json");

    public static JsonHttpResult<ErrorResponse> Subgraph(string id) => ApiResults.NotFound($"No subgraph blueprint '{ApiResults.Truncate(id)}'.");

    /// <summary>The core template index: no templates (<c>[]</c>); its logo map and search options: <c>{}</c>; other files: 404.</summary>
    public static Results<ContentHttpResult, JsonHttpResult<ErrorResponse>> Template(string path) => path switch
    {
        _ when TemplateIndexes.Contains(path, StringComparer.Ordinal) => TypedResults.Text("[]", "application/json"),
        "index_logo.json" or "fuse_options.json" => EmptyObject(),
        _ => ApiResults.NotFound("No such template file."),
    };

    /// <summary>
    /// The log as the editor's log panel reads it (<c>{entries: [{t, m}], size: {cols, rows}}</c>), for admins only:
    /// no entries, as for <see cref="Logs"/>.
    /// </summary>
    public static Results<ContentHttpResult, JsonHttpResult<ErrorResponse>> RawLogs(HttpContext context) =>
        context.GetCaller().IsAdmin
            ? TypedResults.Text("""{"entries":[],"size":{"cols":80,"rows":24}}""", "application/json")
            : ApiResults.Forbidden("The server log is for admins.");

    /// <summary>The log panel's subscription to new lines (<c>{enabled, clientId}</c>), for admins only: accepted; no lines are sent.</summary>
    public static Results<Ok, JsonHttpResult<ErrorResponse>> SubscribeLogs(HttpContext context) =>
        context.GetCaller().IsAdmin ? TypedResults.Ok() : ApiResults.Forbidden("The server log is for admins.");

    /// <summary>The server log, for admins only (403 for others). Gantry's log goes to its console, not here: empty.</summary>
    public static Results<ContentHttpResult, JsonHttpResult<ErrorResponse>> Logs(HttpContext context) =>
        context.GetCaller().IsAdmin
            ? TypedResults.Text("", "text/plain")
            : ApiResults.Forbidden("The server log is for admins.");
}
