using System.Text.Json;
using Gantry.Engine;
using Gantry.Engine.Execution;
using Gantry.Engine.FileSystem;
using Gantry.Engine.Json;
using Gantry.Tests.Infrastructure;

namespace Gantry.Tests.RealComfyUi.Fidelity;

/// <summary>One output image of a run: the node, its index in the node's list, and the PNG file.</summary>
public sealed record OutputImage(string Node, int Index, string Filename, byte[] Png);

/// <summary>What one side made of a workflow: its images, and its history entry (outputs, status, meta).</summary>
public sealed record SideResult(IReadOnlyList<OutputImage> Images, JsonElement History);

/// <summary>Runs one workflow on the embedded engine (in process, a fresh folder) and on the real ComfyUI.</summary>
public static class FidelityRun
{
    public const string ExtraData = """{"extra_pnginfo": {"workflow": {"id": "fidelity", "nodes": [], "links": [], "note": "é ✓"}}}""";

    public static async Task<SideResult> OnEngineAsync(string prompt)
    {
        using var root = new TempDirectory("gantry-fidelity");
        var folders = EngineFolders.Under(root.Path);
        folders.EnsureCreated();
        foreach (var (name, png) in FidelityInputs.All)
        {
            await File.WriteAllBytesAsync(Path.Combine(folders.Input, name), png);
        }

        var engine = ComfyEngine.CreateDefault(folders, new ComfyEngineOptions { ProgressInterval = TimeSpan.Zero });
        var validation = engine.Validate(System.Text.Encoding.UTF8.GetBytes(prompt));
        validation.IsValid.ShouldBeTrue(validation.Error?.ToJson().ToJsonString());
        var request = new ExecutionRequest
        {
            Prompt = validation.Prompt!,
            PromptId = Guid.NewGuid().ToString("D"),
            OutputsToExecute = validation.Outputs,
            ExtraData = (JObject)JParser.Parse(ExtraData),
        };
        var result = await engine.ExecuteAsync(request).WaitAsync(TestTimeouts.Default);
        result.Outcome.ShouldBe(ExecutionOutcome.Success, result.Error?.ToString());
        using var history = JsonDocument.Parse(result.ToHistoryEntry().ToJsonString());
        var images = new List<OutputImage>();
        foreach (var output in result.Outputs)
        {
            if (output.Value["images"] is not JArray list)
            {
                continue;
            }

            for (var i = 0; i < list.Count; i++)
            {
                var file = (JObject)list[i];
                var path = folders.ResolveFile(file["type"]!.AsString!, file["subfolder"]!.AsString!, file["filename"]!.AsString!);
                images.Add(new OutputImage(output.Key, i, file["filename"]!.AsString!, await File.ReadAllBytesAsync(path)));
            }
        }

        return new SideResult(images, history.RootElement.Clone());
    }

    public static async Task<SideResult> OnComfyUiAsync(ComfyUiDirect comfy, string prompt)
    {
        foreach (var (name, png) in FidelityInputs.All)
        {
            await comfy.UploadAsync(name, png);
        }

        var (_, history) = await comfy.RunAsync(prompt, ExtraData);
        history.GetProperty("status").GetProperty("status_str").GetString().ShouldBe("success", history.ToString());
        var images = new List<OutputImage>();
        foreach (var output in history.GetProperty("outputs").EnumerateObject())
        {
            if (!output.Value.TryGetProperty("images", out var list))
            {
                continue;
            }

            var i = 0;
            foreach (var file in list.EnumerateArray())
            {
                var name = file.GetProperty("filename").GetString()!;
                var png = await comfy.ViewAsync(name, file.GetProperty("subfolder").GetString()!, file.GetProperty("type").GetString()!);
                images.Add(new OutputImage(output.Name, i++, name, png));
            }
        }

        return new SideResult(images, history);
    }
}
