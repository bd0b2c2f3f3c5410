namespace Gantry.Workers.ComfyUi;

/// <summary>
/// The one place a frame from a ComfyUI WebSocket is read: a text frame becomes a <see cref="ComfyUiEvent"/>
/// (<c>{"type", "data"}</c>), a binary frame a preview passed on as it is (<see cref="ComfyUiBinaryFrame"/>), anything
/// else is ignored with the reason. It also says which prompt a frame is about: the one it names, or, for the frames
/// that name none (binary previews of types 1 and 3, the <c>executing</c> replay after a reconnect), the one running now.
/// </summary>
internal static class ComfyUiMessages
{
    public static ComfyUiFrame Read(ReceivedFrame frame)
    {
        if (!frame.IsText)
        {
            if (!ComfyUiBinaryFrame.IsForwarded(frame.Bytes, out var eventType))
            {
                return ComfyUiFrame.Ignored($"binary frame of type {eventType} and {frame.Bytes.Length} bytes");
            }

            // Only type 4 names its prompt; types 1 and 3 belong to the prompt executing now.
            var promptId = ComfyUiBinaryFrame.PromptIdOf(frame.Bytes);
            return new ComfyUiFrame(null, frame.Bytes, promptId, promptId is null, null);
        }

        if (ComfyUiEvent.TryParse(frame.Bytes) is not { } message)
        {
            return ComfyUiFrame.Ignored("not a ComfyUI JSON message");
        }

        // The replay after a reconnect ({"node": …} without prompt_id) is only sent for the prompt running under our
        // client id. Other messages without a prompt id (status, crystools, …) are about no job.
        var aboutRunning = message.PromptId is null && message.Type == "executing" && !message.IsPromptDone;
        return new ComfyUiFrame(message, null, message.PromptId, aboutRunning, null);
    }
}

/// <summary>
/// One frame as read: a message or a preview, the prompt id it names, whether it is about the prompt running now
/// (it names none, but only the running prompt sends such frames), or why it was ignored.
/// </summary>
internal sealed record ComfyUiFrame(ComfyUiEvent? Event, byte[]? Preview, string? PromptId, bool AboutRunningPrompt, string? IgnoredBecause)
{
    public static ComfyUiFrame Ignored(string reason) => new(null, null, null, false, reason);
}
