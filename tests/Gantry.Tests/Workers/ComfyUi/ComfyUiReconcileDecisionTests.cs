using System.Net;
using System.Text;
using Gantry.Engine.Json;
using Gantry.Workers;
using Gantry.Workers.ComfyUi;

namespace Gantry.Tests.Workers.ComfyUi;

/// <summary>
/// The decisions of a ComfyUI worker that need no ComfyUI: where a held job is (<see cref="JobLocation"/>) and what
/// follows, the worker's state changes, which job id-less frames go to, the retry delay, and the POST /prompt exchange.
/// </summary>
public sealed class ComfyUiReconcileDecisionTests
{
    private const string Ours = "ours";
    private static readonly Guid JobId = Guid.Parse("2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d");

    private static ComfyUiQueue Queue(string json) => ComfyUiQueue.Parse(JParser.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void A_job_running_under_our_client_id_is_marked_running_and_stays_watched()
    {
        var located = JobLocation.InQueue(Queue($$"""{"queue_running": [[0, "{{JobId:D}}", {}, {"client_id": "ours"}, []]], "queue_pending": []}"""), JobId);

        located.ShouldNotBeNull();
        located.Value.Step.ShouldBe(SettleStep.MarkRunning);
        located.Value.PostedElsewhere(Ours).ShouldBeFalse();
        located.Value.PostedUnder(Ours).ShouldBeTrue();
    }

    [Fact]
    public void A_job_pending_under_an_earlier_client_id_waits_and_must_be_polled()
    {
        var located = JobLocation.InQueue(Queue($$"""{"queue_running": [], "queue_pending": [[3, "{{JobId:D}}", {}, {"client_id": "before-restart"}, []]]}"""), JobId);

        located.ShouldNotBeNull();
        located.Value.Step.ShouldBe(SettleStep.Wait);
        located.Value.PostedElsewhere(Ours).ShouldBeTrue();
        located.Value.PostedUnder(Ours).ShouldBeFalse();
    }

    [Fact]
    public void A_queued_job_without_a_client_id_is_not_taken_for_someone_else_s_but_is_not_ours_to_watch_either()
    {
        var located = JobLocation.InQueue(Queue($$"""{"queue_running": [[0, "{{JobId:D}}"]], "queue_pending": []}"""), JobId)!.Value;

        located.PostedElsewhere(Ours).ShouldBeFalse();
        located.PostedUnder(Ours).ShouldBeFalse();
    }

    [Fact]
    public void A_job_in_neither_queue_is_asked_of_the_history_next()
        => JobLocation.InQueue(Queue("""{"queue_running": [[0, "another"]], "queue_pending": []}"""), JobId).ShouldBeNull();

    [Fact]
    public void A_history_item_ends_the_job_from_it_and_no_history_loses_it()
    {
        var entry = new JObject([new("outputs", JObject.Empty)]);

        var finished = JobLocation.InHistory(entry);
        finished.Step.ShouldBe(SettleStep.End);
        finished.Entry.ShouldBeSameAs(entry);
        finished.Presence.ShouldBe(WorkerJobPresence.Finished);

        var gone = JobLocation.InHistory(null);
        gone.Step.ShouldBe(SettleStep.Lose);
        gone.Presence.ShouldBe(WorkerJobPresence.Unknown);
        gone.PostedElsewhere(Ours).ShouldBeFalse();
    }

    [Fact]
    public void Draining_wins_over_online_and_an_offline_worker_keeps_its_last_error()
    {
        var status = new ComfyUiWorkerStatus(draining: true);

        status.Transition(WorkerState.Online, null, out var applied).ShouldBeTrue();
        applied.ShouldBe(WorkerState.Draining);
        status.Refusal(connected: true).ShouldBe("is draining");

        status.Transition(WorkerState.Offline, "connection refused", out _).ShouldBeTrue();
        status.Transition(WorkerState.Offline, null, out _).ShouldBeFalse();
        status.LastError.ShouldBe("connection refused");
        status.Refusal(connected: false).ShouldBe("is offline (connection refused)");

        status.Resume().ShouldBeFalse();
        status.Transition(WorkerState.Online, null, out applied).ShouldBeTrue();
        applied.ShouldBe(WorkerState.Online);
        status.LastError.ShouldBeNull();
        status.Refusal(connected: true).ShouldBeNull();
        status.Refusal(connected: false).ShouldBe("is online");
        status.Drain().ShouldBeTrue();
        status.State.ShouldBe(WorkerState.Draining);
        status.Resume().ShouldBeTrue();
        status.State.ShouldBe(WorkerState.Online);
    }

    [Fact]
    public void A_new_error_while_offline_is_a_change()
    {
        var status = new ComfyUiWorkerStatus(draining: false);
        status.Transition(WorkerState.Offline, "refused", out _).ShouldBeTrue();

        status.Transition(WorkerState.Offline, "timed out", out _).ShouldBeTrue();
        status.Transition(WorkerState.Offline, "timed out", out _).ShouldBeFalse();
    }

    [Fact]
    public void Id_less_frames_go_to_the_job_last_seen_running_until_it_is_forgotten()
    {
        var table = new ComfyUiJobTable();
        var job = new TrackedJob(Job(JobId), accepted: true);
        table.TryAdd(job).ShouldBeTrue();
        table.Running().ShouldBeNull();

        table.NoteRunning(JobId);
        table.Running().ShouldBeSameAs(job);
        table.Find(JobId.ToString("D")).ShouldBeSameAs(job);
        table.Find("not-a-guid").ShouldBeNull();

        table.Forget(job);
        table.Running().ShouldBeNull();
        table.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Forgetting_an_old_instance_leaves_a_newer_one_under_the_same_id()
    {
        var table = new ComfyUiJobTable();
        var old = new TrackedJob(Job(JobId), accepted: false);
        table.TryAdd(old);
        table.Forget(old);
        var adopted = table.GetOrAdd(Job(JobId), out var added);
        added.ShouldBeTrue();
        adopted.Accepted.ShouldBeTrue();

        table.Forget(old);

        table.Find(JobId).ShouldBeSameAs(adopted);
        table.GetOrAdd(Job(JobId), out added).ShouldBeSameAs(adopted);
        added.ShouldBeFalse();
    }

    [Fact]
    public void While_jobs_are_held_a_retry_never_waits_longer_than_a_poll()
    {
        var poll = TimeSpan.FromSeconds(2);

        ComfyUiConnection.RetryDelay(TimeSpan.FromSeconds(30), holdsJobs: true, poll).ShouldBe(poll);
        ComfyUiConnection.RetryDelay(TimeSpan.FromSeconds(30), holdsJobs: false, poll).ShouldBe(TimeSpan.FromSeconds(30));
        ComfyUiConnection.RetryDelay(TimeSpan.FromSeconds(1), holdsJobs: true, poll).ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Jobs_are_lost_once_the_worker_has_been_unreachable_for_the_limit()
    {
        var since = DateTimeOffset.UnixEpoch;
        var limit = TimeSpan.FromMinutes(2);

        ComfyUiConnection.GoneTooLong(since, since + limit - TimeSpan.FromMilliseconds(1), limit).ShouldBeFalse();
        ComfyUiConnection.GoneTooLong(since, since + limit, limit).ShouldBeTrue();
    }

    [Fact]
    public void The_prompt_body_carries_the_graph_and_extra_data_byte_for_byte_with_our_ids_and_targets()
    {
        var job = Job(JobId) with
        {
            PromptJson = """{"1": {"class_type": "PrimitiveFloat", "inputs": {"value": NaN}}}"""u8.ToArray(),
            ExtraDataJson = """{"extra_pnginfo": {"n": 18446744073709551616}}"""u8.ToArray(),
            OutputsToExecute = ["9"],
        };

        var body = Encoding.UTF8.GetString(ComfyUiPromptRequest.Body(job, Ours));

        body.ShouldBe("""{"prompt":{"1": {"class_type": "PrimitiveFloat", "inputs": {"value": NaN}}},"client_id":"ours","prompt_id":""" + $"\"{JobId:D}\"" + ""","extra_data":{"extra_pnginfo": {"n": 18446744073709551616}},"partial_execution_targets":["9"]}""");
    }

    [Fact]
    public void A_400_reads_as_the_error_then_what_each_node_said()
    {
        var body = """
            {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
             "node_errors": {"10": {"class_type": "LoadImage", "dependent_outputs": ["9"],
               "errors": [{"type": "custom_validation_failed", "message": "Custom validation failed for node", "details": "image - Invalid image file: missing.png"}]}}}
            """u8.ToArray();

        ComfyUiPromptRequest.RejectionReason(HttpStatusCode.BadRequest, body)
            .ShouldBe("Prompt outputs failed validation; node 10 (LoadImage): image - Invalid image file: missing.png");
        ComfyUiPromptRequest.IsPromptIdRefusal(body).ShouldBeFalse();
        ComfyUiPromptRequest.NodeErrors(body).ShouldNotBeNull().Count.ShouldBe(1);
    }

    [Fact]
    public void A_400_that_is_not_ComfyUI_s_shape_reads_as_its_status_and_start()
    {
        ComfyUiPromptRequest.RejectionReason(HttpStatusCode.RequestEntityTooLarge, "too big\nreally"u8.ToArray()).ShouldBe("413 too big really");
        ComfyUiPromptRequest.NodeErrors("""{"prompt_id": "x", "node_errors": {}}"""u8.ToArray()).ShouldBeNull();
    }

    [Fact]
    public void Only_an_invalid_prompt_id_error_is_a_refused_id()
    {
        ComfyUiPromptRequest.IsPromptIdRefusal("""{"error": {"type": "invalid_prompt_id", "message": "used"}}"""u8.ToArray()).ShouldBeTrue();
        ComfyUiPromptRequest.IsPromptIdRefusal("""{"error": "invalid_prompt_id"}"""u8.ToArray()).ShouldBeFalse();
        ComfyUiPromptRequest.IsPromptIdRefusal("nonsense"u8.ToArray()).ShouldBeFalse();
    }

    private static WorkerJob Job(Guid id) => new()
    {
        JobId = id,
        UserId = 1,
        PromptJson = "{}"u8.ToArray(),
        OutputsToExecute = [],
        InputDirectory = Path.GetTempPath(),
    };
}
