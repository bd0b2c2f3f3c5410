using System.ComponentModel.DataAnnotations;
using Gantry.Engine.Tensors;
using Gantry.Engine.Validation;

namespace Gantry.Workers.Embedded;

/// <summary>
/// Bounds on what one prompt may cost (<c>Gantry:Engine</c>): its node count (checked at submit, for every worker
/// kind) and, on the built-in engine, the memory one job may allocate and the bytes its result cache may hold.
/// </summary>
public sealed class EngineSettings
{
    public const string SectionName = "Gantry:Engine";

    /// <summary>The most nodes one prompt may have; more is a 400 <c>prompt_too_large</c>. Default 5,000.</summary>
    [Range(1, int.MaxValue)]
    public int MaxNodesPerPrompt { get; set; } = PromptValidator.DefaultMaxNodes;

    /// <summary>
    /// The most bytes the embedded workers' shared result cache holds; least recently used results go first.
    /// Null or 0: an eighth of the memory available to the process.
    /// </summary>
    public long? CacheBytes { get; set; }

    /// <summary>The most pixels (batch × height × width) in one image or mask a job creates; 0 for no limit. Default 64 MP.</summary>
    [Range(0, long.MaxValue)]
    public long MaxTensorPixels { get; set; } = JobMemoryLimits.Default.MaxTensorPixels;

    /// <summary>The most bytes of images and masks one job may create in all; 0 for no limit. Default 4 GiB.</summary>
    [Range(0, long.MaxValue)]
    public long MaxJobBytes { get; set; } = JobMemoryLimits.Default.MaxJobBytes;

    /// <summary>The cache bound in effect: <see cref="CacheBytes"/>, or an eighth of the available memory.</summary>
    public long EffectiveCacheBytes => CacheBytes is > 0 and var bytes ? bytes : Math.Max(64L * 1024 * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    public JobMemoryLimits MemoryLimits => new(Math.Max(0, MaxTensorPixels), Math.Max(0, MaxJobBytes));
}
