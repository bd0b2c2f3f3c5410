using System.Text;
using Gantry.Workers.ComfyUi;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>
/// <see cref="ComfyUiMessages.Read"/> on its own: what each kind of WebSocket frame becomes, and which prompt it is
/// about (the one it names, the running one, or none).
/// </summary>
public sealed class ComfyUiMessagesTests
{
    private static readonly Guid Job = Guid.Parse("6f1d3c1e-2b7a-4d8e-9c55-0a1b2c3d4e5f");

    private static ComfyUiFrame Text(string json) => ComfyUiMessages.Read(new ReceivedFrame(IsText: true, Encoding.UTF8.GetBytes(json)));

    private static ComfyUiFrame Binary(params byte[] bytes) => ComfyUiMessages.Read(new ReceivedFrame(IsText: false, bytes));

    [Fact]
    public void A_message_that_names_its_prompt_is_about_that_prompt()
    {
        var frame = Text($$$"""{"type": "progress", "data": {"value": 3, "max": 20, "prompt_id": "{{{Job:D}}}", "node": "3"}}""");

        frame.IgnoredBecause.ShouldBeNull();
        frame.Event.ShouldNotBeNull().Type.ShouldBe("progress");
        frame.PromptId.ShouldBe(Job.ToString("D"));
        frame.AboutRunningPrompt.ShouldBeFalse();
        frame.Event.MeansRunning.ShouldBeTrue();
    }

    [Fact]
    public void The_executing_replay_without_a_prompt_id_is_about_the_running_prompt()
    {
        var frame = Text("""{"type": "executing", "data": {"node": "12"}}""");

        frame.PromptId.ShouldBeNull();
        frame.AboutRunningPrompt.ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": "abc"}}""")]
    [InlineData("""{"type": "executing", "data": {"node": null}}""")]
    [InlineData("""{"type": "crystools.monitor", "data": {"cpu_utilization": 12}}""")]
    public void Messages_without_a_prompt_id_other_than_the_replay_are_about_no_prompt(string json)
    {
        var frame = Text(json);

        frame.Event.ShouldNotBeNull();
        frame.PromptId.ShouldBeNull();
        frame.AboutRunningPrompt.ShouldBeFalse();
    }

    [Fact]
    public void The_final_executing_does_not_mean_running_but_the_others_of_a_run_do()
    {
        Text($$$"""{"type": "executing", "data": {"node": null, "prompt_id": "{{{Job:D}}}"}}""").Event!.MeansRunning.ShouldBeFalse();
        Text($$$"""{"type": "execution_success", "data": {"prompt_id": "{{{Job:D}}}"}}""").Event!.MeansRunning.ShouldBeFalse();
        foreach (var type in new[] { "execution_start", "execution_cached", "executing", "progress", "progress_state", "executed" })
        {
            Text($$$"""{"type": "{{{type}}}", "data": {"node": "4", "prompt_id": "{{{Job:D}}}"}}""").Event!.MeansRunning.ShouldBeTrue(type);
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"data": {}}""")]
    [InlineData("[\"executing\"]")]
    public void Text_that_is_not_a_ComfyUI_message_is_ignored_with_the_reason(string text)
    {
        var frame = Text(text);

        frame.IgnoredBecause.ShouldBe("not a ComfyUI JSON message");
        frame.Event.ShouldBeNull();
        frame.Preview.ShouldBeNull();
    }

    [Fact]
    public void A_type_4_preview_names_its_prompt_and_is_kept_byte_for_byte()
    {
        var metadata = Encoding.UTF8.GetBytes($$"""{"node_id": "9", "prompt_id": "{{Job:D}}", "image_type": "image/png"}""");
        byte[] bytes = [0, 0, 0, 4, 0, 0, 0, (byte)metadata.Length, .. metadata, 0x89, 0x50];

        var frame = Binary(bytes);

        frame.Preview.ShouldBe(bytes);
        frame.PromptId.ShouldBe(Job.ToString("D"));
        frame.AboutRunningPrompt.ShouldBeFalse();
    }

    [Fact]
    public void Type_1_and_3_previews_name_no_prompt_and_belong_to_the_running_one()
    {
        var image = Binary(0, 0, 0, 1, 0, 0, 0, 2, 9);
        var text = Binary(0, 0, 0, 3, 0, 0, 0, 1, 0x33, 0x41);

        image.Preview.ShouldNotBeNull();
        image.AboutRunningPrompt.ShouldBeTrue();
        text.AboutRunningPrompt.ShouldBeTrue();
        image.PromptId.ShouldBeNull();
    }

    [Fact]
    public void Other_binary_frames_are_ignored_with_their_type_and_size()
    {
        Binary(0, 0, 0, 2, 1).IgnoredBecause.ShouldBe("binary frame of type 2 and 5 bytes");
        Binary(0, 0, 0, 1).IgnoredBecause.ShouldBe("binary frame of type 1 and 4 bytes");
        Binary().IgnoredBecause.ShouldBe("binary frame of type 0 and 0 bytes");
    }
}
