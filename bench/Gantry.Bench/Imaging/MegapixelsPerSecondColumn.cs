using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Gantry.Bench.Imaging;

/// <summary>Throughput on the 1024×1024 (1.048576 Mp) input: Mp/s = 1.048576 / mean seconds.</summary>
public sealed class MegapixelsPerSecondColumn : IColumn
{
    public const double Megapixels = 1024 * 1024 / 1e6;

    public string Id => nameof(MegapixelsPerSecondColumn);

    public string ColumnName => "Mp/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Megapixels of the 1024x1024 input per second (1.048576 / mean seconds)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        return statistics is null ? "NA" : (Megapixels / (statistics.Mean / 1e9)).ToString("0.0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
