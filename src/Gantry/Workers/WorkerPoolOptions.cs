using System.ComponentModel.DataAnnotations;

namespace Gantry.Workers;

/// <summary>
/// The workers Gantry starts with: the <c>Gantry:Workers</c> section. Workers added at run time
/// (<c>gantry workers add</c>, <c>POST /api/admin/workers</c>) are kept in the store and come back on restart.
/// </summary>
public sealed class WorkerPoolOptions
{
    public const string SectionName = "Gantry:Workers";

    /// <summary>
    /// How many embedded workers run jobs in this process on the built-in engine (<c>Gantry:Workers:Embedded</c>,
    /// <c>gantry serve --embedded-workers N</c>); 0 for none. Default 1.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int Embedded { get; set; } = 1;

    /// <summary>How many node results the embedded workers' shared cache keeps between prompts. Default 256.</summary>
    [Range(0, int.MaxValue)]
    public int EmbeddedCacheSize { get; set; } = 256;

    /// <summary>ComfyUI servers to drive (<c>Gantry:Workers:ComfyUi:0:Url</c>, …).</summary>
    public List<ComfyUiWorkerSettings> ComfyUi { get; set; } = [];
}

/// <summary>One ComfyUI server from settings.</summary>
public sealed class ComfyUiWorkerSettings
{
    /// <summary>Unique worker name; defaults to <c>comfyui-N</c> by position.</summary>
    public string? Name { get; set; }

    /// <summary>Base URL, e.g. <c>http://10.0.0.5:8188</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Optional header sent with every request to it, as <c>Name: value</c>.</summary>
    public string? AuthHeader { get; set; }
}
