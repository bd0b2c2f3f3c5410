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
        services.AddSingleton<IGantryStore>(sp =>
        {
            var store = GantryStoreFactory.Create(
                sp.GetRequiredService<IOptions<StoreOptions>>().Value.Postgres,
                sp.GetRequiredService<IOptions<DataOptions>>().Value.DataDirectory,
                sp.GetRequiredService<TimeProvider>());
            if (store is Relational.RelationalGantryStore relational)
            {
                // What each transition batch writes in its own transaction (the webhook outbox), when registered.
                relational.ChangeOutbox = sp.GetService<Relational.IJobChangeOutbox>();
            }

            return store;
        });
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<IUserStore>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<IWorkerRegistry>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<IFileIndex>(sp => sp.GetRequiredService<IGantryStore>());
        services.AddSingleton<ISessionStore>(sp => new Relational.RelationalSessionStore((Relational.IRelationalDatabase)sp.GetRequiredService<IGantryStore>()));
        services.AddSingleton<IJobStatistics>(sp => new Relational.RelationalJobStatistics((Relational.IRelationalDatabase)sp.GetRequiredService<IGantryStore>()));
        return services;
    }
}
