using Gantry.Jobs;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Events.Cluster;

public static class EventRelayServices
{
    /// <summary>
    /// Binds <c>Gantry:EventRelay</c> and, on PostgreSQL, relays job events between the instances sharing the database.
    /// On SQLite (one instance) the relay does nothing: the hub stays local.
    /// </summary>
    public static IServiceCollection AddEventRelay(this IServiceCollection services)
    {
        services.AddOptions<EventRelayOptions>().BindConfiguration(EventRelayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService(sp => new PostgresEventRelay(
            sp.GetRequiredService<IOptions<StoreOptions>>().Value.Postgres is { } postgres && !string.IsNullOrWhiteSpace(postgres) ? postgres : null,
            sp.GetRequiredService<EventHub>(), sp.GetRequiredService<JobSignals>(), sp.GetRequiredService<IJobStore>(),
            sp.GetRequiredService<IOptions<EventRelayOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PostgresEventRelay>>()));
        return services;
    }
}
