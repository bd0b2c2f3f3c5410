using Gantry.Store;
using Gantry.Store.Leadership;
using Gantry.Store.Relational;
using Microsoft.Extensions.Options;

namespace Gantry.Scheduling.Leadership;

public static class LeadershipServices
{
    /// <summary>
    /// Binds <c>Gantry:Leadership</c> and registers how this instance becomes the dispatcher's leader: the advisory lock
    /// on PostgreSQL (with the notices that tell the leader about other instances' jobs), always on SQLite.
    /// </summary>
    public static IServiceCollection AddLeadership(this IServiceCollection services)
    {
        services.AddOptions<LeadershipOptions>().BindConfiguration(LeadershipOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ILeaderElection>(sp =>
        {
            var sql = new LeadershipSql((IRelationalDatabase)sp.GetRequiredService<IGantryStore>());
            var time = sp.GetRequiredService<TimeProvider>();
            var instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];
            return PostgresConnectionString(sp) is { } postgres
                ? new PostgresLeaderElection(
                    postgres, sql, sp.GetRequiredService<IOptions<LeadershipOptions>>().Value, time,
                    sp.GetRequiredService<ILogger<PostgresLeaderElection>>(), instance)
                : new SingleInstanceElection(sql, time, instance);
        });
        services.AddHostedService(sp => new ClusterJobNotices(
            PostgresConnectionString(sp), sp.GetRequiredService<Dispatcher>(), sp.GetRequiredService<Jobs.JobSignals>(),
            sp.GetRequiredService<IJobStore>(), sp.GetRequiredService<ILeaderElection>(),
            sp.GetRequiredService<IOptions<LeadershipOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ClusterJobNotices>>()));
        return services;
    }

    private static string? PostgresConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IOptions<StoreOptions>>().Value.Postgres is { Length: > 0 } postgres && !string.IsNullOrWhiteSpace(postgres)
            ? postgres
            : null;
}
