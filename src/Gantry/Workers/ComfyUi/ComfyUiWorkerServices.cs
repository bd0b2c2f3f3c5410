using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gantry.Workers.ComfyUi;

public static class ComfyUiWorkerServices
{
    /// <summary>
    /// Registers <see cref="IComfyUiWorkerFactory"/> and binds <see cref="ComfyUiWorkerOptions"/> to the
    /// <c>Gantry:ComfyUi</c> configuration section. Needs the <c>OutputImporter</c> and a <see cref="TimeProvider"/>
    /// (registered by the host).
    /// </summary>
    public static IServiceCollection AddComfyUiWorkers(this IServiceCollection services)
    {
        services.AddOptions<ComfyUiWorkerOptions>().BindConfiguration(ComfyUiWorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IComfyUiWorkerFactory, ComfyUiWorkerFactory>();
        return services;
    }
}
