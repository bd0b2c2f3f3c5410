using System.Text;
using Gantry.Domain;

namespace Gantry.Load.Seeding;

/// <summary>One job row as the seeder writes it: the columns the lists read, nothing the store derives later.</summary>
public readonly record struct SeedJob(
    Guid Id, long UserId, JobState State, long CreatedAtMs, string? WorkflowId, long? StartMs, long? EndMs, long DurationMs, int OutputsCount, OutputMediaTypes OutputTypes)
{
    /// <summary>The graph every seeded job carries: a number shown as text (the trivial graph of the pipeline too).</summary>
    public static readonly byte[] PromptJson = Encoding.UTF8.GetBytes(
        """{"1": {"class_type": "PrimitiveInt", "inputs": {"value": 7}}, "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""");

    /// <summary>What the store keeps as the job's output nodes.</summary>
    public const string OutputsToExecute = "[\"2\"]";

    /// <summary>
    /// A finished job of a user's history: 80% completed (mostly images, some video, some audio), 12% failed, 8%
    /// cancelled; one of ten workflows; runs of 0.2 to 60 s. Deterministic for a given random source.
    /// </summary>
    public static SeedJob Finished(Random random, long userId, long createdAtMs)
    {
        var roll = random.Next(100);
        var state = roll < 80 ? JobState.Succeeded : roll < 92 ? JobState.Failed : JobState.Cancelled;
        var duration = state == JobState.Cancelled ? 0 : random.Next(200, 60_000);
        var outputs = state == JobState.Succeeded ? random.Next(10) switch
        {
            < 7 => OutputMediaTypes.Image,
            < 9 => OutputMediaTypes.Video,
            _ => OutputMediaTypes.Audio | OutputMediaTypes.Image,
        } : OutputMediaTypes.None;
        var start = createdAtMs + random.Next(10, 5_000);
        return new SeedJob(
            Guid.CreateVersion7(), userId, state, createdAtMs, "workflow-" + random.Next(10).ToString(System.Globalization.CultureInfo.InvariantCulture),
            state == JobState.Cancelled ? null : start, state == JobState.Cancelled ? null : start + duration, duration,
            outputs == OutputMediaTypes.None ? 0 : 1, outputs);
    }

    /// <summary>A job waiting in the queue.</summary>
    public static SeedJob Queued(long userId, long createdAtMs) =>
        new(Guid.CreateVersion7(), userId, JobState.Queued, createdAtMs, null, null, null, 0, 0, OutputMediaTypes.None);
}
