using System.ComponentModel.DataAnnotations;

namespace Gantry.Api.Editor;

/// <summary>Bounds of the editor's per-user state (the <c>Gantry:Editor</c> section).</summary>
public sealed class EditorOptions
{
    public const string SectionName = "Gantry:Editor";

    /// <summary>Largest user file (a saved workflow, with the images it may embed).</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most files one user keeps.</summary>
    [Range(1, int.MaxValue)]
    public int MaxFilesPerUser { get; set; } = 10_000;

    /// <summary>Most bytes over all of one user's files.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytesPerUser { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most settings one user keeps.</summary>
    [Range(1, int.MaxValue)]
    public int MaxSettingsPerUser { get; set; } = 2_000;

    /// <summary>Most bytes over all of one user's setting values (also the largest settings body).</summary>
    [Range(1, long.MaxValue)]
    public long MaxSettingsBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Longest setting id, in characters.</summary>
    public const int MaxSettingIdLength = 256;
}
