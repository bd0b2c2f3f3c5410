using System.Globalization;
using System.Text;

namespace Gantry.Load.Driving;

/// <summary>One row of a scenario's table: what was measured, at which point, and how it compares to its baseline.</summary>
/// <param name="Subject">What was driven (e.g. <c>gantry POST /api/prompt</c> or <c>bare kestrel</c>).</param>
/// <param name="Point">The load point or case (e.g. <c>64 clients</c>, <c>status=completed offset=900</c>).</param>
/// <param name="Ratio">This row's throughput over its baseline's, when it has one.</param>
public sealed record Figure(string Subject, string Point, LoadResult Result, double? Ratio = null, string? Unit = null);

/// <summary>A single measured amount (memory, a count), with its ratio to a baseline amount when it has one.</summary>
public sealed record Amount(string Subject, string Point, double Value, string Unit, double? Ratio = null);

/// <summary>What a scenario measured: a titled table of figures and notes (sizes, settings, anything a reader needs).</summary>
public sealed class ScenarioReport(string title)
{
    public string Title { get; } = title;

    public List<Figure> Figures { get; } = [];

    public List<string> Notes { get; } = [];

    public List<Amount> Amounts { get; } = [];

    /// <summary>Adds a measured row and, when a baseline row is given, its throughput ratio to it.</summary>
    public Figure Add(string subject, string point, LoadResult result, LoadResult? baseline = null, string? unit = null)
    {
        double? ratio = baseline is { PerSecond: > 0 } ? result.PerSecond / baseline.PerSecond : null;
        var figure = new Figure(subject, point, result, ratio, unit);
        Figures.Add(figure);
        return figure;
    }

    /// <summary>The table in Markdown, as BENCHMARKS.md quotes it.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("### ").AppendLine(Title).AppendLine();
        if (Figures.Count > 0)
        {
            text.AppendLine("| subject | point | ok | errors | per s | p50 ms | p99 ms | max ms | ratio to baseline |");
            text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        }

        foreach (var figure in Figures)
        {
            var r = figure.Result;
            text.Append(CultureInfo.InvariantCulture,
                $"| {figure.Subject} | {figure.Point} | {r.Count} | {r.Errors} | {r.PerSecond:F0}{(figure.Unit is null ? "" : " " + figure.Unit)} | " +
                $"{r.P50Ms:F3} | {r.P99Ms:F3} | {r.MaxMs:F1} | {(figure.Ratio is { } ratio ? ratio.ToString("P0", CultureInfo.InvariantCulture) : "")} |");
            text.AppendLine();
        }

        if (Amounts.Count > 0)
        {
            text.AppendLine().AppendLine("| subject | point | amount | ratio to baseline |").AppendLine("|---|---|---:|---:|");
            foreach (var amount in Amounts)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| {amount.Subject} | {amount.Point} | {amount.Value:N1} {amount.Unit} | {(amount.Ratio is { } ratio ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "×" : "")} |");
                text.AppendLine();
            }
        }

        foreach (var note in Notes)
        {
            text.AppendLine().Append("- ").Append(note);
        }

        return text.AppendLine().ToString();
    }
}
