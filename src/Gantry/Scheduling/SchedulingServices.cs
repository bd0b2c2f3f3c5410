using Gantry.Workers;

namespace Gantry.Scheduling;

public static class SchedulingServices
{
    /// <summary>Registers the dispatcher (a hosted service that also starts the worker pool) and the fleet administration.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<IWorkerLoad>(sp => sp.GetRequiredService<Dispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
        services.AddSingleton<FleetAdmin>();
        return services;
    }
}
