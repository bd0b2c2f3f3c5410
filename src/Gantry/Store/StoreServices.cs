using Microsoft.Extensions.Options;

namespace Gantry.Store;

public static class StoreServices
{
    /// <summary>
    /// Binds and validates <c>Gantry:DataDirectory</c> and <c>Gantry:Store</c>, and registers the store (PostgreSQL
    /// when a connection string is set, else SQLite in the data folder) under each of its interfaces.
    /// </summary>
    public static IServiceCollection AddGantryStore(this IServiceCollection services)
    {
        services.AddOptions<DataOptions>().BindConfiguration(DataOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IGantryStore>(sp => GantryStoreFactory.Create(
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.Postgres,
            sp.GetRequiredService<IOptions<DataOptions>>().Value.DataDirectory,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<IWorkerRegistry>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<IFileIndex>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<ISessionStore>(sp => new Relational.RelationalSessionStore((Relational.IRelationalDatabase)sp.GetRequiredService<IGantryStore>()));
        services.AddSingleton<IJobStatistics>(sp => new Relational.RelationalJobStatistics((Relational.IRelationalDatabase)sp.GetRequiredService<IGantryStore>()));
        return services;
    }
}
