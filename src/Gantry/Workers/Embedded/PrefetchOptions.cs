using System.ComponentModel.DataAnnotations;

namespace Gantry.Workers.Embedded;

/// <summary>
/// <c>Gantry:Scheduler:Prefetch</c>, the one key of the scheduler's section that the workers read: how many jobs an
/// embedded worker holds beyond the one it runs, so it starts the next without waiting for Gantry (its slots are
/// 1 + this). ComfyUI workers report their own slots (<c>Gantry:ComfyUi:Prefetch</c>). Default 1.
/// Bound here rather than read from <c>SchedulerOptions</c> so that Workers does not depend on Scheduling.
/// </summary>
public sealed class PrefetchOptions
{
    public const string SectionName = "Gantry:Scheduler";

    [Range(0, int.MaxValue)]
    public int Prefetch { get; set; } = 1;
}
