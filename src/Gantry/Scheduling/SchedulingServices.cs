using Gantry.Scheduling.Leadership;
using Gantry.Workers;

namespace Gantry.Scheduling;

public static class SchedulingServices
{
    /// <summary>Binds and validates <c>Gantry:Scheduler</c>; registers the dispatcher (a hosted service that also starts the worker pool) and the fleet administration.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.CancelGrace >= TimeSpan.Zero, "Gantry:Scheduler:CancelGrace must not be negative.")
            .Validate(o => o.UserRefresh >= TimeSpan.Zero, "Gantry:Scheduler:UserRefresh must not be negative.")
            .ValidateOnStart();
        services.AddLeadership();
        services.AddSingleton<Dispatcher>();
        services.AddSingleton<IWorkerLoad>(sp => sp.GetRequiredService<Dispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<Dispatcher>());
        services.AddSingleton<FleetAdmin>();
        return services;
    }
}
