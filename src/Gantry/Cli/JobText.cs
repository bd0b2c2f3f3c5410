using System.Globalization;
using Gantry.Client;

namespace Gantry.Cli;

/// <summary>How the CLI prints a job in words: plain lines, one fact each, so they read well and grep well.</summary>
internal static class JobText
{
    public static void WriteReport(TextWriter output, JobReport report)
    {
        if (!report.Found)
        {
            output.WriteLine($"Job {report.PromptId} not found.");
            return;
        }

        output.WriteLine($"Job {report.PromptId}: {report.Status}{(report.StatusStr is { } s ? $" ({s})" : "")}");
        if (report.Worker is { } worker)
        {
            output.WriteLine($"  worker:   {worker}");
        }

        if (report.Stats is { } stats)
        {
            output.WriteLine($"  queued:   {Time(stats.QueuedAt)}");
            output.WriteLine($"  started:  {Time(stats.StartedAt)}");
            output.WriteLine($"  finished: {Time(stats.FinishedAt)}");
            if (stats.DurationSeconds is { } seconds)
            {
                output.WriteLine($"  duration: {Seconds(seconds)}");
            }

            output.WriteLine($"  cached:   {(stats.CachedNodes.Count == 0 ? "none" : string.Join(", ", stats.CachedNodes))}");
        }

        if (report.Error is { } error)
        {
            output.WriteLine($"  error:    {Describe(error)}");
        }

        foreach (var file in report.Outputs ?? [])
        {
            output.WriteLine($"  output:   node {file.NodeId}: {RelativePath(file)} ({file.Type})");
        }

        foreach (var text in report.Texts ?? [])
        {
            output.WriteLine($"  text:     node {text.NodeId}: {Indent(text.Text, "            ")}");
        }
    }

    /// <summary>The job's text outputs (PreviewAny, string nodes), one <c>Text from node N (Class): …</c> each.</summary>
    public static void WriteTexts(TextWriter output, JobReport report, IReadOnlyDictionary<string, string>? classTypes = null)
    {
        foreach (var text in report.Texts ?? [])
        {
            var name = classTypes is not null && classTypes.TryGetValue(text.NodeId, out var type) ? $" ({type})" : "";
            output.WriteLine($"Text from node {text.NodeId}{name}: {Indent(text.Text, "  ")}");
        }
    }

    private static string Indent(string text, string indent) => text.ReplaceLineEndings("\n" + indent);

    /// <summary>The one-line verdict printed when a waited-for job ends.</summary>
    public static string Verdict(JobReport report)
    {
        var duration = report.Stats?.DurationSeconds is { } seconds ? $" in {Seconds(seconds)}" : "";
        var cached = report.Stats?.CachedNodes.Count is > 0 and var count ? $", {count} node(s) cached" : "";
        return report.Status switch
        {
            "completed" => $"Job {report.PromptId} completed{duration}{cached}.",
            "failed" => $"Job {report.PromptId} failed{duration}: {(report.Error is { } e ? Describe(e) : "no details")}",
            "cancelled" => $"Job {report.PromptId} was cancelled{(report.Error is { } c ? $": {c.Message}" : ".")}",
            _ => $"Job {report.PromptId} is {report.Status}.",
        };
    }

    public static string Describe(JobFailure error)
    {
        var where = error.NodeId is { } node ? $"node {node}{(error.NodeType is { } type ? $" ({type})" : "")}: " : "";
        var kind = error.Type is { } exception ? $"{exception}: " : "";
        return where + kind + error.Message;
    }

    public static string RelativePath(OutputFile file) => file.Subfolder.Length == 0 ? file.Filename : $"{file.Subfolder}/{file.Filename}";

    public static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Time(string? iso)
        => iso is not null && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? CliFormat.Time(time.ToUnixTimeMilliseconds())
            : "-";
}

/// <summary>Saves a finished job's output files under a folder, keeping their subfolders.</summary>
internal static class OutputSaver
{
    public static async Task<IReadOnlyList<SavedFile>> SaveAsync(GantryApiClient client, IReadOnlyList<OutputFile> files, string directory, CancellationToken cancellationToken)
    {
        var saved = new List<SavedFile>(files.Count);
        var root = Path.GetFullPath(directory);
        foreach (var file in files)
        {
            var (bytes, _) = await client.DownloadAsync(file, cancellationToken);
            var path = Path.GetFullPath(Path.Combine(root, file.Subfolder, Path.GetFileName(file.Filename)));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                path = Path.Combine(root, Path.GetFileName(file.Filename)); // a subfolder reaching out of the folder is dropped
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes, cancellationToken);
            saved.Add(new SavedFile(file.NodeId, file.Filename, file.Subfolder, file.Type, path));
        }

        return saved;
    }
}
