using Gantry.Engine.Catalog;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gantry.Workers;

public static class WorkerServices
{
    /// <summary>
    /// Binds and validates <c>Gantry:Workers</c>, <c>Gantry:Engine</c> and <c>Gantry:Scheduler:Prefetch</c>; registers the worker pool (also as <see cref="IWorkerFleet"/>), the embedded workers' factory and node pack
    /// (a test may register its own <see cref="NodeCatalog"/> first).
    /// Submit-time validation against the fleet's catalog is registered by <c>AddSubmission</c>. ComfyUI workers additionally need an <see cref="IComfyUiWorkerFactory"/>.
    /// </summary>
    public static IServiceCollection AddWorkers(this IServiceCollection services)
    {
        services.AddOptions<WorkerPoolOptions>().BindConfiguration(WorkerPoolOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineSettings>().BindConfiguration(EngineSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PrefetchOptions>().BindConfiguration(PrefetchOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(_ => NodeCatalog.CreateDefault());
        services.AddSingleton<EmbeddedWorkerFactory>();
        services.AddSingleton<WorkerPool>();
        services.AddSingleton<IWorkerFleet>(sp => sp.GetRequiredService<WorkerPool>());
        services.AddSingleton<UserScopedCatalog>();
        return services;
    }
}
