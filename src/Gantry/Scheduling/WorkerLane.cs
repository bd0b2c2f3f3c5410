using Gantry.Domain;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>One worker as <see cref="FairQueue"/> sees it: slots, load, what it can run, what it ran last.</summary>
internal sealed class WorkerLane(string name)
{
    public string Name { get; } = name;

    public WorkerCapabilities? Capabilities { get; set; }

    public int Slots { get; set; }

    public WorkerAvailability Availability { get; set; }

    /// <summary>Jobs on it now (running plus prefetched).</summary>
    public int Held { get; set; }

    /// <summary>The model files of the last job it got that named any.</summary>
    public string? LastAffinityKey { get; set; }

    public bool Registered { get; set; } = true;

    /// <summary>Whether it can run a requirement set; cleared when its capabilities change.</summary>
    public Dictionary<JobRequirements, bool> Fits { get; } = [];

    public bool CanRun(JobRequirements requirements)
    {
        if (Capabilities is null)
        {
            return false;
        }

        if (!Fits.TryGetValue(requirements, out var fits))
        {
            fits = WorkerFit.CanRun(Capabilities, requirements);
            Fits[requirements] = fits;
        }

        return fits;
    }
}
