using System.Text.Json;
using Gantry.Client;
using Gantry.Mcp;
using Gantry.Tests.Infrastructure;
using ModelContextProtocol;

namespace Gantry.Tests.Mcp;

/// <summary>
/// The wait's progress notes go out one at a time, in order, and the tool's result waits for the last: a note the
/// transport is slow to take is not overtaken by the result (which, over Streamable HTTP, ends the response).
/// </summary>
public sealed class WaitProgressTests
{
    [Fact]
    public async Task Disposing_waits_until_every_note_is_sent_in_order()
    {
        var sent = new List<string>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new WaitProgress("p1", async note =>
        {
            if (note.Progress == 1)
            {
                held.SetResult();
                await first.Task; // the transport holds the first note back
            }

            lock (sent)
            {
                sent.Add($"{note.Progress}: {note.Message}");
            }
        });

        progress.Listening(withEvents: true);
        progress.OnEvent(Event("executing", """{"prompt_id": "p1", "node": "1"}"""));
        progress.OnEvent(Event("progress", """{"prompt_id": "p1", "node": "1", "value": 3, "max": 20}"""));
        progress.OnEvent(Event("executed", """{"prompt_id": "p1", "node": "1", "output": {}}"""));
        progress.OnEvent(Event("executing", """{"prompt_id": "p1", "node": null}"""));

        await held.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        var disposing = progress.DisposeAsync().AsTask();
        disposing.IsCompleted.ShouldBeFalse("the result must not go out while a note is still held back");
        first.SetResult();
        await disposing.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        sent.ShouldBe(["1: Waiting for job p1.", "2: Job p1: node 1 started.", "3: Job p1: node 1 step 3/20."]);
    }

    [Fact]
    public async Task A_wait_without_events_says_so_in_its_first_note()
    {
        var sent = new List<ProgressNotificationValue>();
        var progress = new WaitProgress("p2", note =>
        {
            sent.Add(note);
            return Task.CompletedTask;
        });

        progress.Listening(withEvents: false);
        await progress.DisposeAsync();

        sent.ShouldHaveSingleItem().Message.ShouldBe("Waiting for job p2 (no event stream: its state is polled, without per-node progress).");
    }

    [Fact]
    public async Task A_client_gone_stops_the_notes_but_not_the_wait()
    {
        var attempts = 0;
        var progress = new WaitProgress("p3", _ =>
        {
            attempts++;
            throw new IOException("the client closed the connection");
        });

        progress.Listening(withEvents: true);
        progress.OnEvent(Event("executing", """{"prompt_id": "p3", "node": "4"}"""));
        await progress.DisposeAsync();

        attempts.ShouldBe(1);
    }

    private static GantryEvent Event(string type, string data) => new(type, JsonDocument.Parse(data).RootElement.Clone());
}
