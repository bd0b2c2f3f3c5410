using BenchmarkDotNet.Configs;

namespace Gantry.Bench.Imaging;

/// <summary>Adds the Mp/s column to the default configuration.</summary>
public sealed class ImagingBenchConfig : ManualConfig
{
    public ImagingBenchConfig()
    {
        AddColumn(new MegapixelsPerSecondColumn());
    }
}
