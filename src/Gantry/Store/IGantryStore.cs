namespace Gantry.Store;

/// <summary>
/// One database behind all of Gantry's durable state. <see cref="InitializeAsync"/> applies the schema
/// migrations; it runs once at start before anything else touches the store.
/// </summary>
public interface IGantryStore : IJobStore, IUserStore, IWorkerRegistry, IFileIndex, IAsyncDisposable
{
    /// <summary>Which backend this is: <c>sqlite</c> or <c>postgres</c>.</summary>
    string Kind { get; }

    /// <summary>Creates or upgrades the schema to the version this build expects.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
