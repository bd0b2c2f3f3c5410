using Gantry.Domain;

namespace Gantry.Workers;

/// <summary>Builds the worker for a ComfyUI registration (settings, CLI or admin API).</summary>
public interface IComfyUiWorkerFactory
{
    IWorker Create(WorkerRegistration registration);
}
