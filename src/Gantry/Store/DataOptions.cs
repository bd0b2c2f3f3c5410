using System.ComponentModel.DataAnnotations;

namespace Gantry.Store;

/// <summary>
/// Where Gantry keeps its files: <c>Gantry:DataDirectory</c> (a key of the <c>Gantry</c> section itself, not a section
/// of its own). The SQLite file, outputs, inputs, the admin key and the file-signing key live under it.
/// </summary>
public sealed class DataOptions
{
    public const string SectionName = "Gantry";

    /// <summary>The data folder; relative paths are taken from the working directory. Default <c>./gantry-data</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "./gantry-data";
}
