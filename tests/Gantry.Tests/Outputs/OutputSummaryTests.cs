using System.Text;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Outputs;

namespace Gantry.Tests.Outputs;

/// <summary><see cref="OutputSummary"/>: what the job lists show of a finished job's outputs map.</summary>
public sealed class OutputSummaryTests
{
    [Fact]
    public void Every_output_item_counts_but_animated_flags_raw_text_and_non_lists_do_not()
    {
        var summary = Of("""
            {"9": {"images": [{"filename": "a.png", "subfolder": "", "type": "output"}, {"filename": "b.png", "subfolder": "", "type": "output"}],
                   "animated": [false]},
             "10": {"latents": [{"filename": "x.latent", "subfolder": "", "type": "output"}], "text": ["hello"], "note": "not a list"},
             "11": {"3d": ["mesh.glb"]},
             "12": "not an object"}
            """);
        summary.Count.ShouldBe(4);
    }

    [Fact]
    public void An_output_image_wins_over_an_earlier_temp_preview()
    {
        var preview = PreviewOf("""
            {"5": {"images": [{"filename": "preview.png", "subfolder": "", "type": "temp"}]},
             "9": {"images": [{"filename": "final.png", "subfolder": "out", "type": "output"}]}}
            """);
        preview.GetProperty("filename").GetString().ShouldBe("final.png");
        preview.GetProperty("subfolder").GetString().ShouldBe("out");
        preview.GetProperty("type").GetString().ShouldBe("output");
        preview.GetProperty("nodeId").GetString().ShouldBe("9");
        preview.GetProperty("mediaType").GetString().ShouldBe("images");
    }

    [Fact]
    public void A_temp_preview_is_chosen_when_there_is_no_output_media()
    {
        var preview = PreviewOf("""
            {"5": {"images": [{"filename": "preview.png", "subfolder": "", "type": "temp"}]},
             "7": {"latents": [{"filename": "x.latent", "subfolder": "", "type": "output"}]}}
            """);
        preview.GetProperty("filename").GetString().ShouldBe("preview.png");
        preview.GetProperty("nodeId").GetString().ShouldBe("5");
    }

    [Fact]
    public void Media_beats_a_saved_text_file_which_beats_raw_text()
    {
        PreviewOf("""
            {"3": {"text": ["raw words"]},
             "4": {"text": [{"filename": "notes.txt", "subfolder": "", "type": "output"}]},
             "5": {"audio": [{"filename": "voice.flac", "subfolder": "", "type": "output"}]}}
            """).GetProperty("filename").GetString().ShouldBe("voice.flac");

        var textFile = PreviewOf("""
            {"3": {"text": ["raw words"]},
             "4": {"text": [{"filename": "notes.txt", "subfolder": "", "type": "output"}]}}
            """);
        textFile.GetProperty("filename").GetString().ShouldBe("notes.txt");
        textFile.GetProperty("mediaType").GetString().ShouldBe("text");
    }

    [Fact]
    public void Raw_text_is_previewed_as_content_cut_at_1024_characters_and_is_not_counted()
    {
        var longText = new string('x', 1500);
        var summary = Of($$$"""{"8": {"text": ["{{{longText}}}", "second"]}}""");
        summary.Count.ShouldBe(0);
        using var document = JsonDocument.Parse(summary.PreviewOutputJson!);
        var preview = document.RootElement;
        preview.GetProperty("content").GetString()!.Length.ShouldBe(1024);
        preview.GetProperty("truncated").GetBoolean().ShouldBeTrue();
        preview.GetProperty("nodeId").GetString().ShouldBe("8");
        preview.GetProperty("mediaType").GetString().ShouldBe("text");

        var shortPreview = PreviewOf("""{"8": {"text": ["short"]}}""");
        shortPreview.GetProperty("content").GetString().ShouldBe("short");
        shortPreview.TryGetProperty("truncated", out _).ShouldBeFalse();
    }

    [Fact]
    public void A_3d_file_name_becomes_an_output_item()
    {
        var preview = PreviewOf("""{"11": {"result": ["model.glb"]}}""");
        preview.GetProperty("filename").GetString().ShouldBe("model.glb");
        preview.GetProperty("type").GetString().ShouldBe("output");
        preview.GetProperty("subfolder").GetString().ShouldBe("");
        preview.GetProperty("mediaType").GetString().ShouldBe("3d");
    }

    [Fact]
    public void The_items_own_media_type_and_fields_are_kept_and_its_node_id_replaced()
    {
        var preview = PreviewOf("""{"6": {"gifs": [{"filename": "clip.mp4", "subfolder": "", "type": "output", "format": "video/h264-mp4", "mediaType": "video", "nodeId": "wrong"}]}}""");
        preview.GetProperty("mediaType").GetString().ShouldBe("video");
        preview.GetProperty("format").GetString().ShouldBe("video/h264-mp4");
        preview.GetProperty("nodeId").GetString().ShouldBe("6");
        preview.EnumerateObject().Count(p => p.Name == "nodeId").ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"1": {"images": [{"filename": "a.png", "type": "output"}]}}""", OutputMediaTypes.Image)]
    [InlineData("""{"1": {"images": [{"filename": "a.webm", "type": "output"}]}}""", OutputMediaTypes.Video)]
    [InlineData("""{"1": {"images": [{"filename": "a.gif", "type": "output"}]}}""", OutputMediaTypes.Image)]
    [InlineData("""{"1": {"gifs": [{"filename": "a.gif", "type": "output"}]}}""", OutputMediaTypes.Video)]
    [InlineData("""{"1": {"video": [{"filename": "a.mp4", "type": "output"}]}}""", OutputMediaTypes.Video)]
    [InlineData("""{"1": {"files": [{"filename": "a.bin", "format": "video/mp4", "type": "output"}]}}""", OutputMediaTypes.Video)]
    [InlineData("""{"1": {"audio": [{"filename": "a.flac", "type": "output"}]}}""", OutputMediaTypes.Audio)]
    [InlineData("""{"1": {"files": [{"filename": "a.wav", "type": "output"}]}}""", OutputMediaTypes.Audio)]
    [InlineData("""{"1": {"images": [{"filename": "a.png"}]}, "2": {"audio": [{"filename": "b.mp3"}]}}""", OutputMediaTypes.Image | OutputMediaTypes.Audio)]
    [InlineData("""{"1": {"latents": [{"filename": "a.latent"}]}}""", OutputMediaTypes.None)]
    public void Media_types_come_from_keys_formats_and_extensions(string outputs, OutputMediaTypes expected)
        => Of(outputs).MediaTypes.ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("{}")]
    public void Nothing_readable_is_no_outputs(string outputs)
    {
        var summary = Of(outputs);
        summary.Count.ShouldBe(0);
        summary.PreviewOutputJson.ShouldBeNull();
        summary.MediaTypes.ShouldBe(OutputMediaTypes.None);
    }

    private static OutputSummary Of(string outputs) => OutputSummary.Of(Encoding.UTF8.GetBytes(outputs));

    private static JsonElement PreviewOf(string outputs)
    {
        var summary = Of(outputs);
        summary.PreviewOutputJson.ShouldNotBeNull();
        using var document = JsonDocument.Parse(summary.PreviewOutputJson);
        return document.RootElement.Clone();
    }
}
