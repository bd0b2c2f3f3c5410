using System.Collections.Concurrent;
using Gantry.Hosting;

namespace Gantry.Load.Hosting;

/// <summary>
/// The baseline: Kestrel with minimal-API endpoints in this same build and process and nothing else (no auth,
/// no store). <c>GET/POST /fixed/{name}</c> reads the request body and answers with fixed JSON bytes the scenario
/// registered under that name (the size of Gantry's own answer), so the difference to Gantry is Gantry's work.
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _answers = new(StringComparer.Ordinal);

    private BareKestrel(WebApplication app)
    {
        App = app;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<BareKestrel> StartAsync(Action<WebApplication>? mapMore = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls=http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var kestrel = new BareKestrel(app);
        app.MapGet("/fixed/{name}", (HttpContext context, string name) => kestrel.AnswerAsync(context, name));
        app.MapPost("/fixed/{name}", async (HttpContext context, string name) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            await kestrel.AnswerAsync(context, name);
        });
        mapMore?.Invoke(app);
        await app.StartAsync();
        kestrel.BaseAddress = GantryApp.ListeningAddress(app);
        return kestrel;
    }

    /// <summary>
    /// The baseline as its own process (<c>Gantry.Load bare FOLDER</c>, see <see cref="ServeProcess.StartBareKestrelAsync"/>):
    /// each file of the folder is an answer under its file name; prints the address, then serves until stopped.
    /// </summary>
    public static async Task<int> ServeFilesAsync(string folder, TextWriter output)
    {
        await using var kestrel = await StartAsync();
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            kestrel.SetAnswer(Path.GetFileName(file), await File.ReadAllBytesAsync(file));
        }

        await output.WriteLineAsync($"Now listening on: {kestrel.BaseAddress}");
        await output.FlushAsync();
        await kestrel.App.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>What <c>/fixed/{name}</c> answers from now on.</summary>
    public void SetAnswer(string name, byte[] json) => _answers[name] = json;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context, string name)
    {
        if (!_answers.TryGetValue(name, out var json))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }
}
