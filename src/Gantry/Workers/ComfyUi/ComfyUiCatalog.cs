using System.Security.Cryptography;
using System.Text;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;

namespace Gantry.Workers.ComfyUi;

/// <summary>
/// What a worker can run, as it last said: <c>/system_stats</c>, <c>/object_info</c>, <c>/models</c> and
/// <c>/features</c>, read on every connect and every <see cref="ComfyUiWorkerOptions.CatalogRefreshInterval"/> while up.
/// A catalog that changed (by fingerprint) is logged and the dispatcher told.
/// </summary>
internal sealed class ComfyUiCatalog(ComfyUiWorkerContext context, ComfyUiWorkerStatus status) : IDisposable
{
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private readonly Lock _gate = new();
    private WorkerCapabilities? _capabilities;
    private string? _fingerprint;

    /// <summary><c>system.comfyui_version</c> from the last probe (null before it, or on builds too old to say).</summary>
    public string? ComfyUiVersion { get; private set; }

    /// <summary><c>GET /features</c> from the last probe, raw; null on builds without it.</summary>
    public string? FeaturesJson { get; private set; }

    public WorkerCapabilities? Capabilities
    {
        get
        {
            lock (_gate)
            {
                return _capabilities;
            }
        }
    }

    /// <summary>Reads health, catalog, model lists and features; tells the dispatcher when the catalog changed.</summary>
    /// <exception cref="ComfyUiRequestException">The worker did not answer one of them.</exception>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            var client = context.Client;
            var stats = await client.GetSystemStatsAsync(cancellationToken);
            var objectInfo = await client.GetObjectInfoAsync(cancellationToken);
            var models = await client.GetModelsAsync(cancellationToken);
            var features = await client.GetFeaturesAsync(cancellationToken);
            ComfyUiVersion = ComfyJson.String(ComfyJson.Object(stats, "system"), "comfyui_version");
            FeaturesJson = features is null ? null : Encoding.UTF8.GetString(ComfyJson.StrictBytes(features));

            var fingerprint = Fingerprint(objectInfo, models);
            bool changed;
            WorkerCapabilities capabilities;
            lock (_gate)
            {
                changed = _fingerprint is not null && _fingerprint != fingerprint;
                if (_fingerprint != fingerprint)
                {
                    _capabilities = new WorkerCapabilities(NodeInfoSet.FromObjectInfo(objectInfo), models);
                    _fingerprint = fingerprint;
                }

                capabilities = _capabilities!;
            }

            if (changed)
            {
                ComfyUiWorkerLog.CatalogChanged(context.Logger, context.Name, capabilities.Nodes.Count, capabilities.Models.Count);
                if (status.IsUp)
                {
                    context.Notify(c => c.OnWorkerChanged(context.Worker));
                }
            }
        }
        finally
        {
            _probeGate.Release();
        }
    }

    /// <summary>Probes again on every tick while the worker is up, until <paramref name="stop"/>.</summary>
    public async Task RefreshAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(context.Options.CatalogRefreshInterval, context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (!status.IsUp)
                {
                    continue;
                }

                try
                {
                    await ProbeAsync(stop);
                }
                catch (ComfyUiRequestException ex)
                {
                    // The socket loop notices a dead worker; a failed refresh keeps the catalog we have.
                    ComfyUiWorkerLog.RefreshFailed(context.Logger, context.Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public void Dispose() => _probeGate.Dispose();

    /// <summary>A hash over the node catalog and the model lists: equal when nothing a job could need changed.</summary>
    internal static string Fingerprint(JValue objectInfo, IReadOnlyDictionary<string, IReadOnlyList<string>> models)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(objectInfo.ToJsonBytes());
        foreach (var (folder, files) in models)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(folder + "\0" + string.Join('\0', files) + "\n"));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
