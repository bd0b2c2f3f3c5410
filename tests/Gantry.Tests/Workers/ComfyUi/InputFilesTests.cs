using Gantry.Engine.Json;
using Gantry.Tests.Infrastructure;
using Gantry.Workers.ComfyUi;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>Which string inputs of a graph name files in the user's input folder (and so get uploaded to the worker).</summary>
public sealed class InputFilesTests : IDisposable
{
    private readonly TempDirectory _root = new("gantry-inputs");
    private readonly string _inputs;

    public InputFilesTests()
    {
        _inputs = Directory.CreateDirectory(Path.Combine(_root.Path, "input")).FullName;
        Directory.CreateDirectory(Path.Combine(_inputs, "sub"));
        File.WriteAllBytes(Path.Combine(_inputs, "cat.png"), [1]);
        File.WriteAllBytes(Path.Combine(_inputs, "sub", "dog.png"), [2]);
        File.WriteAllBytes(Path.Combine(_root.Path, "outside.png"), [3]);
    }

    [Fact]
    public void Existing_files_are_found_by_plain_sub_folder_and_annotated_names_once_each()
    {
        var prompt = Prompt("""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
             "2": {"class_type": "LoadImage", "inputs": {"image": "sub/dog.png [input]"}},
             "3": {"class_type": "LoadImage", "inputs": {"image": "cat.png [input]"}},
             "4": {"class_type": "X", "inputs": {"a": "missing.png", "b": "../outside.png", "c": "/etc/passwd", "d": "cat.png [output]",
                   "e": "sub/../cat.png", "f": "sub", "g": "", "h": 5, "i": ["1", 0], "j": "./cat.png", "k": "sub//dog.png"}},
             "5": "not a node",
             "6": {"class_type": "Y"}}
            """);

        var files = InputFiles.Referenced(prompt, _inputs);

        files.Select(f => (f.Name, f.Subfolder, f.Filename)).ShouldBe([("cat.png", "", "cat.png"), ("sub/dog.png", "sub", "dog.png")]);
        files[0].Path.ShouldBe(Path.Combine(_inputs, "cat.png"));
    }

    [Fact]
    public void No_input_folder_means_nothing_to_upload()
    {
        var prompt = Prompt("""{"1": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}}}""");

        InputFiles.Referenced(prompt, "").ShouldBeEmpty();
        InputFiles.Referenced(prompt, Path.Combine(_root.Path, "nope")).ShouldBeEmpty();
    }

    public void Dispose() => _root.Dispose();

    private static JObject Prompt(string json) => (JObject)JParser.Parse(json);
}
