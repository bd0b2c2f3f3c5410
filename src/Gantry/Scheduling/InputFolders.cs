using System.Globalization;

namespace Gantry.Scheduling;

/// <summary>
/// Where users' uploads live: <c>DATA/input/USERID/</c>. A job's <see cref="Workers.WorkerJob.InputDirectory"/> is its
/// owner's folder; what <c>LoadImage</c> reads on the embedded engine and what a ComfyUI worker uploads from.
/// </summary>
public static class InputFolders
{
    public static string Root(string dataDirectory) => Path.Combine(Path.GetFullPath(dataDirectory), "input");

    public static string ForUser(string dataDirectory, long userId) => Path.Combine(Root(dataDirectory), userId.ToString(CultureInfo.InvariantCulture));
}
