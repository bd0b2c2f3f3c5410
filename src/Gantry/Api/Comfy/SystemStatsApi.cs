using System.Text.Json.Serialization;
using Gantry.Api.Admin;
using Gantry.Auth;
using Gantry.Workers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gantry.Api.Comfy;

/// <summary>
/// <c>/system_stats</c> in ComfyUI's shape, describing the Gantry process (no Python, no torch), plus a <c>gantry</c>
/// object with the workers. <c>/api/system_stats</c> is public, as the Cloud spec says, but without a key it is only a
/// health answer (versions, no memory, no command line, no workers); the bare path needs a key. With a key the command
/// line comes with its secrets masked (<see cref="Secrets"/>), and only admins see the workers.
/// </summary>
public static class SystemStatsApi
{
    /// <summary>The ComfyUI release whose API Gantry's bare paths follow; what <c>comfyui_version</c> says.</summary>
    public const string ComfyUiCompatibleVersion = "0.26.0";

    public static IEndpointRouteBuilder MapSystemStats(this IEndpointRouteBuilder app)
    {
        app.MapGet("/system_stats", Get).WithName("getSystemStatsBare").WithTags("comfyui");
        app.MapGet("/api/system_stats", Get).WithName("getSystemStats").WithTags("system").AllowAnonymous();
        return app;
    }

    public static Ok<SystemStatsResponse> Get(HttpContext context, WorkerPool pool)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = context.Features.Get<Caller>();
        var version = typeof(SystemStatsApi).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        if (caller is null)
        {
            return TypedResults.Ok(new SystemStatsResponse(
                new SystemInfo(OsName(), 0, 0, ComfyUiCompatibleVersion, "n/a", "n/a", false, []), [], new GantryInfo(version, null)));
        }

        var (total, free) = Memory();
        var system = new SystemInfo(
            OsName(),
            total,
            free,
            ComfyUiCompatibleVersion,
            "n/a",
            "n/a",
            false,
            Secrets.RedactCommandLine(Environment.GetCommandLineArgs()));
        var device = new DeviceInfo("cpu", "cpu", null, 0, 0, 0, 0);
        var workers = caller.IsAdmin ? pool.Workers.Select(w => WorkerView.From(w, pool.OriginOf(w.Name))).ToArray() : null;
        return TypedResults.Ok(new SystemStatsResponse(system, [device], new GantryInfo(version, workers)));
    }

    private static string OsName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "win32" : OperatingSystem.IsMacOS() ? "darwin" : "unknown";

    /// <summary>Total and available memory: <c>/proc/meminfo</c> where there is one, the runtime's view elsewhere.</summary>
    private static (long Total, long Free) Memory()
    {
        var gc = GC.GetGCMemoryInfo();
        long total = gc.TotalAvailableMemoryBytes, free = Math.Max(0, total - Environment.WorkingSet);
        try
        {
            if (File.Exists("/proc/meminfo"))
            {
                foreach (var line in File.ReadLines("/proc/meminfo"))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2 && long.TryParse(parts[1], out var kb))
                    {
                        if (parts[0] == "MemTotal:")
                        {
                            total = kb * 1024;
                        }
                        else if (parts[0] == "MemAvailable:")
                        {
                            free = kb * 1024;
                        }
                    }
                }
            }
        }
        catch (IOException)
        {
            // Keep the runtime's numbers.
        }

        return (total, free);
    }
}

public sealed record SystemStatsResponse(
    [property: JsonPropertyName("system")] SystemInfo System,
    [property: JsonPropertyName("devices")] DeviceInfo[] Devices,
    [property: JsonPropertyName("gantry")] GantryInfo Gantry);

public sealed record SystemInfo(
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("ram_total")] long RamTotal,
    [property: JsonPropertyName("ram_free")] long RamFree,
    [property: JsonPropertyName("comfyui_version")] string ComfyUiVersion,
    [property: JsonPropertyName("python_version")] string PythonVersion,
    [property: JsonPropertyName("pytorch_version")] string PytorchVersion,
    [property: JsonPropertyName("embedded_python")] bool EmbeddedPython,
    [property: JsonPropertyName("argv")] string[] Argv);

/// <summary>A compute device; Gantry itself computes on the CPU (its workers' GPUs are theirs).</summary>
public sealed record DeviceInfo(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("index"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Index,
    [property: JsonPropertyName("vram_total")] long VramTotal,
    [property: JsonPropertyName("vram_free")] long VramFree,
    [property: JsonPropertyName("torch_vram_total")] long TorchVramTotal,
    [property: JsonPropertyName("torch_vram_free")] long TorchVramFree);

/// <summary>Gantry's own part of <c>/system_stats</c>: its version and (for admins) its workers.</summary>
public sealed record GantryInfo(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("workers")] WorkerView[]? Workers);
