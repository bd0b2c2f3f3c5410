using BenchmarkDotNet.Attributes;
using Gantry.Engine.Imaging.Blend;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Bench.Imaging;

/// <summary>ImageBlend of two 1024×1024 RGB frames: a scalar loop versus the vectorised, row-parallel kernel.</summary>
[Config(typeof(ImagingBenchConfig))]
[MemoryDiagnoser]
public class BlendBenchmarks
{
    private ImageTensor _first = null!;
    private ImageTensor _second = null!;

    [Params(BlendMode.Overlay, BlendMode.SoftLight)]
    public BlendMode Mode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _first = BenchImages.Photo(1);
        _second = BenchImages.Photo(2);
    }

    [Benchmark(Baseline = true)]
    public ImageTensor ScalarLoop() => NaiveImaging.Blend(_first, _second, 0.5f, Mode);

    [Benchmark]
    public ImageTensor Vectorised() => ImageBlend.Blend(_first, _second, 0.5, Mode);
}
