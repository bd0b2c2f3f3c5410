using BenchmarkDotNet.Attributes;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Bench.Imaging;

/// <summary>ImageScaleBy 1.5 (1024² → 1536²) on RGB: per-pixel torch formulas versus precomputed separable taps.</summary>
[Config(typeof(ImagingBenchConfig))]
[MemoryDiagnoser]
public class ResizeBenchmarks
{
    private const int Target = 1536;
    private ImageTensor _image = null!;

    [Params(ResizeMethod.Bilinear, ResizeMethod.Bicubic)]
    public ResizeMethod Interpolation { get; set; }

    [GlobalSetup]
    public void Setup() => _image = BenchImages.Photo();

    [Benchmark(Baseline = true)]
    public ImageTensor NaivePerPixel() => NaiveResize.Resize(_image, Target, Target, Interpolation);

    [Benchmark]
    public ImageTensor Separable() => ImageResize.Resize(_image, Target, Target, Interpolation);
}
