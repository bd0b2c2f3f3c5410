using Gantry.Domain;
using Gantry.Outputs;
using Microsoft.Extensions.Options;

namespace Gantry.Workers.ComfyUi;

/// <summary>Builds <see cref="ComfyUiWorker"/>s for the pool, sharing the options, the output importer and the clock.</summary>
public sealed class ComfyUiWorkerFactory(IOptions<ComfyUiWorkerOptions> options, OutputImporter importer, TimeProvider time, ILoggerFactory loggers)
    : IComfyUiWorkerFactory
{
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL.</exception>
    /// <exception cref="FormatException">The auth header is not <c>Name: value</c>.</exception>
    public IWorker Create(WorkerRegistration registration)
        => new ComfyUiWorker(registration, options.Value, importer, time, loggers.CreateLogger<ComfyUiWorker>());
}
