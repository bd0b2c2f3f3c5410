using Gantry.Workers;

namespace Gantry.Tests.Infrastructure;

/// <summary>Waits on the worker pool's change event for what the fleet's catalog must hold before a test submits.</summary>
public static class FleetCatalogs
{
    /// <summary>Completes once some worker reported a catalog with <paramref name="classType"/>.</summary>
    public static Task HasClassAsync(GantryTestServer server, string classType)
        => UntilAsync(server, pool => pool.Nodes?.Find(classType) is not null);

    /// <summary>Completes once <paramref name="count"/> workers are online.</summary>
    public static Task OnlineAsync(GantryTestServer server, int count)
        => UntilAsync(server, pool => pool.LiveWorkers.Count(w => w.State == WorkerState.Online) >= count);

    private static async Task UntilAsync(GantryTestServer server, Func<WorkerPool, bool> condition)
    {
        var pool = server.GetService<WorkerPool>();
        var found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition(pool))
            {
                found.TrySetResult();
            }
        }

        pool.Changed += Check;
        try
        {
            Check();
            await found.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        }
        finally
        {
            pool.Changed -= Check;
        }
    }
}
