using System.Globalization;
using Gantry.Store;
using Gantry.Store.Relational;

namespace Gantry.Load.Driving;

/// <summary>The store's group-commit counters at one moment, and what changed between two moments.</summary>
public readonly record struct CommitCounters(long InsertBatches, long InsertItems, long TransitionBatches, long TransitionItems)
{
    public static CommitCounters Read(IGantryStore store) => store is RelationalGantryStore relational
        ? new(relational.InsertCommits.Batches, relational.InsertCommits.Items, relational.TransitionCommits.Batches, relational.TransitionCommits.Items)
        : default;

    /// <summary>One line: commits per second and items per commit, for inserts and for state changes, since <paramref name="before"/>.</summary>
    public string Since(CommitCounters before, TimeSpan elapsed)
    {
        var inserts = InsertBatches - before.InsertBatches;
        var transitions = TransitionBatches - before.TransitionBatches;
        return string.Create(CultureInfo.InvariantCulture,
            $"insert commits {inserts / elapsed.TotalSeconds:F0}/s ({Per(InsertItems - before.InsertItems, inserts):F1} jobs each), " +
            $"state-change commits {transitions / elapsed.TotalSeconds:F0}/s ({Per(TransitionItems - before.TransitionItems, transitions):F1} changes each)");
    }

    private static double Per(long items, long batches) => batches == 0 ? 0 : (double)items / batches;
}
