using Gantry.Domain;
using Gantry.Store;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>
/// Adds, removes and drains workers while Gantry runs, keeping the pool, the store's registry and the dispatcher
/// in step: an added worker starts at once and comes back after a restart; a removed one has its jobs moved back
/// to the queue before it stops; a drained one finishes what it has and takes nothing new.
/// </summary>
public sealed class FleetAdmin(WorkerPool pool, IWorkerRegistry registry, Dispatcher dispatcher, TimeProvider time)
{
    /// <summary>Adds a ComfyUI worker by URL; the name defaults to the URL's host and port (<c>10.0.0.5-8188</c>).</summary>
    public async Task<FleetChange> AddAsync(string? name, string url, string? authHeader, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return FleetChange.Invalid($"'{url}' is not an absolute http(s) URL.");
        }

        var workerName = string.IsNullOrWhiteSpace(name) ? $"{uri.Host}-{uri.Port}" : name.Trim();
        if (!IsValidName(workerName))
        {
            return FleetChange.Invalid($"'{workerName}' is not a valid worker name: use letters, digits, '.', '_' and '-' (at most 64).");
        }

        if (authHeader is not null && !IsHeader(authHeader))
        {
            return FleetChange.Invalid("The auth header must look like 'Name: value'.");
        }

        if (pool.Describe(workerName) is not null)
        {
            return FleetChange.Conflict($"A worker named '{workerName}' exists already.");
        }

        var registration = new WorkerRegistration
        {
            Name = workerName,
            Url = url,
            AuthHeader = authHeader,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        WorkerInfo added;
        try
        {
            added = await pool.AddAsync(registration, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return FleetChange.Conflict(ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return FleetChange.Invalid(ex.Message);
        }

        await registry.SaveWorkerAsync(registration, cancellationToken);
        return FleetChange.Done(added);
    }

    /// <summary>Removes a worker added at run time; workers from settings are changed in the settings.</summary>
    public async Task<FleetChange> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        switch (pool.OriginOf(name))
        {
            case null:
                return FleetChange.NotFound(name);
            case WorkerOrigin.Settings:
                return FleetChange.Conflict($"Worker '{name}' comes from the settings (Gantry:Workers); change them and restart to remove it.");
        }

        var removed = pool.Describe(name);
        await registry.RemoveWorkerAsync(name, cancellationToken);
        if (pool.Detach(name, out var worker) && worker is not null)
        {
            await dispatcher.EvacuateAsync(worker, $"worker '{name}' was removed");
            await worker.DisposeAsync();
        }

        return FleetChange.Done(removed);
    }

    /// <summary>Drains a worker: it finishes what it has and takes nothing new (kept across restarts for run-time workers).</summary>
    public async Task<FleetChange> DrainAsync(string name, CancellationToken cancellationToken)
    {
        var origin = pool.OriginOf(name);
        if (origin is null)
        {
            return FleetChange.NotFound(name);
        }

        if (origin == WorkerOrigin.Registry
            && (await registry.ListWorkersAsync(cancellationToken)).FirstOrDefault(r => r.Name == name) is { } registration)
        {
            await registry.SaveWorkerAsync(registration with { Draining = true }, cancellationToken);
        }

        pool.Drain(name);
        return FleetChange.Done(pool.Describe(name));
    }

    /// <summary>Undoes a drain: the worker takes new jobs again (kept across restarts for run-time workers).</summary>
    public async Task<FleetChange> ResumeAsync(string name, CancellationToken cancellationToken)
    {
        var origin = pool.OriginOf(name);
        if (origin is null)
        {
            return FleetChange.NotFound(name);
        }

        if (origin == WorkerOrigin.Registry
            && (await registry.ListWorkersAsync(cancellationToken)).FirstOrDefault(r => r.Name == name) is { } registration)
        {
            await registry.SaveWorkerAsync(registration with { Draining = false }, cancellationToken);
        }

        pool.Resume(name);
        return FleetChange.Done(pool.Describe(name));
    }

    private static bool IsValidName(string name)
        => name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static bool IsHeader(string header)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && header[..colon].Trim().Length > 0 && !header[..colon].Any(char.IsWhiteSpace);
    }
}

/// <summary>What a fleet change did.</summary>
public sealed record FleetChange(FleetChangeResult Result, string? Message, WorkerInfo? Worker)
{
    public static FleetChange Done(WorkerInfo? worker) => new(FleetChangeResult.Done, null, worker);

    public static FleetChange NotFound(string name) => new(FleetChangeResult.NotFound, $"No worker named '{name}'.", null);

    public static FleetChange Conflict(string message) => new(FleetChangeResult.Conflict, message, null);

    public static FleetChange Invalid(string message) => new(FleetChangeResult.Invalid, message, null);
}

public enum FleetChangeResult
{
    Done = 0,
    NotFound = 1,
    Conflict = 2,
    Invalid = 3,
}
