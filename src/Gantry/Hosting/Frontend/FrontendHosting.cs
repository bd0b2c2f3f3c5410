using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gantry.Hosting.Frontend;

/// <summary>
/// Serves the configured ComfyUI frontend: its files for any GET that no route answers (routes always win: a file named
/// like an API path is never served in its place), and what <c>/</c> is (<see cref="RootPage"/>). The file provider
/// refuses paths leaving the folder and hidden files.
/// </summary>
public static class FrontendHosting
{
    public static IServiceCollection AddFrontend(this IServiceCollection services)
    {
        services.AddOptions<FrontendOptions>().BindConfiguration(FrontendOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FrontendOptions>, FrontendOptionsValidator>();
        return services;
    }

    /// <summary>Between routing and the endpoints: files of the frontend for requests no endpoint matched.</summary>
    public static IApplicationBuilder UseFrontendFiles(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<FrontendOptions>>().Value;
        if (options.FullRoot is not { } root || options.Problem() is not null)
        {
            return app;
        }

        var files = new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root, ExclusionFilters.Sensitive),
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = file =>
            {
                if (file.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    file.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
                }
            },
        };
        return app.UseWhen(
            context => context.GetEndpoint() is null && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)),
            branch => branch.UseStaticFiles(files));
    }
}

/// <summary>Refuses a start whose frontend folder is missing or holds no index.html, saying which.</summary>
internal sealed class FrontendOptionsValidator : IValidateOptions<FrontendOptions>
{
    public ValidateOptionsResult Validate(string? name, FrontendOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
