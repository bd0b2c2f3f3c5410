using System.Security.Cryptography;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Tests.Nodes.Support;
using Gantry.Engine.Tests.Support;
using Gantry.Engine.Validation;

namespace Gantry.Engine.Tests.Nodes.Examples;

/// <summary>
/// Runs the workflows of <c>examples/</c> on the built-in engine (the product catalog only) in a temp folder
/// whose input folder holds <c>examples/inputs/</c>, with a fixed workflow in extra_pnginfo.
/// </summary>
public sealed class ExampleRun : IDisposable
{
    private readonly DirectoryInfo _root;

    public ExampleRun()
    {
        _root = Directory.CreateTempSubdirectory("gantry-examples-");
        Folders = EngineFolders.Under(_root.FullName);
        Folders.EnsureCreated();
        foreach (var input in Directory.EnumerateFiles(Path.Combine(ExamplesFolder, "inputs")))
        {
            File.Copy(input, Path.Combine(Folders.Input, Path.GetFileName(input)));
        }

        Engine = ComfyEngine.CreateDefault(Folders, new ComfyEngineOptions { ProgressInterval = TimeSpan.Zero });
    }

    /// <summary>The repository's <c>examples/</c> folder, found above the test binaries.</summary>
    public static string ExamplesFolder { get; } = FindExamples();

    /// <summary>The example workflows by name (file name without .json).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.EnumerateFiles(ExamplesFolder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    public EngineFolders Folders { get; }

    public ComfyEngine Engine { get; }

    public NodeResultCache Cache { get; } = new(100);

    public static string PromptText(string name) => File.ReadAllText(Path.Combine(ExamplesFolder, name + ".json"));

    /// <summary>The extra_data every example run gets: a small stand-in for the UI workflow.</summary>
    public static JObject ExtraData(string name) =>
        JsonAssert.Parse("""{"extra_pnginfo": {"workflow": {"example": "NAME", "version": 0.4}}}""".Replace("NAME", name, StringComparison.Ordinal)).ShouldBeOfType<JObject>();

    public ValidationResult Validate(string promptText) => Engine.Validate(System.Text.Encoding.UTF8.GetBytes(promptText));

    public async Task<(ExecutionResult Result, RecordingSink Sink)> RunAsync(
        string name,
        string? promptText = null,
        bool useCache = false,
        string promptId = "example",
        CancellationTokenSource? interrupt = null,
        IExecutionEventSink? listener = null)
    {
        var validation = Validate(promptText ?? PromptText(name));
        validation.IsValid.ShouldBeTrue(validation.NodeErrorsJson().ToJsonString());
        var sink = new RecordingSink();
        var request = new ExecutionRequest
        {
            Prompt = validation.Prompt!,
            PromptId = promptId,
            OutputsToExecute = validation.Outputs,
            ExtraData = ExtraData(name),
            Cache = useCache ? Cache : null,
        };
        var events = listener is null ? (IExecutionEventSink)sink : new Tee(sink, listener);
        var result = await Engine.ExecuteAsync(request, events, interrupt?.Token ?? CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        return (result, sink);
    }

    /// <summary>
    /// One line per output of a finished run, in history order: for each image file
    /// <c>{node}/{index} pixels={W}x{H}x{C}:{sha256 of the decoded samples} png={sha256 of the file}</c>, for each
    /// text entry <c>{node}/{index} text={JSON string}</c>. File names are left out (PreviewImage's are random).
    /// </summary>
    public IReadOnlyList<string> Fingerprints(ExecutionResult result)
    {
        var lines = new List<string>();
        foreach (var (node, ui) in result.Outputs)
        {
            if (ui["images"] is JArray images)
            {
                for (var i = 0; i < images.Count; i++)
                {
                    var file = (JObject)images[i];
                    var bytes = File.ReadAllBytes(PathOf(file));
                    lines.Add($"{node}/{i} pixels={PngPixels.Decode(bytes).PixelHash} png={Convert.ToHexStringLower(SHA256.HashData(bytes))}");
                }
            }

            if (ui["text"] is JArray texts)
            {
                for (var i = 0; i < texts.Count; i++)
                {
                    lines.Add($"{node}/{i} text={texts[i].ToJsonString()}");
                }
            }
        }

        return lines;
    }

    public string PathOf(JObject file) =>
        Path.Combine(Folders.Get(file["type"]!.AsString!), file["subfolder"]!.AsString!, file["filename"]!.AsString!);

    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static string FindExamples()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Gantry.slnx")))
            {
                return Path.Combine(folder.FullName, "examples");
            }
        }

        throw new DirectoryNotFoundException("No Gantry.slnx above " + AppContext.BaseDirectory);
    }

    private sealed class Tee(IExecutionEventSink first, IExecutionEventSink second) : IExecutionEventSink
    {
        public void Emit(EngineEvent engineEvent)
        {
            first.Emit(engineEvent);
            second.Emit(engineEvent);
        }
    }
}
