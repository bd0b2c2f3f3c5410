using BenchmarkDotNet.Attributes;
using Gantry.Engine.Imaging.Resize;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Bench.Imaging;

/// <summary>
/// lanczos ImageScaleBy 1.5 (1024² → 1536²) with Pillow's exact fixed-point arithmetic: the scalar
/// transliteration of Pillow's loops versus transposed, vectorised passes.
/// </summary>
[Config(typeof(ImagingBenchConfig))]
[MemoryDiagnoser]
public class LanczosBenchmarks
{
    private const int Target = 1536;
    private ImageTensor _image = null!;

    [GlobalSetup]
    public void Setup() => _image = BenchImages.Photo();

    [Benchmark(Baseline = true)]
    public ImageTensor ScalarPillowLoops() => NaiveLanczos.Resize(_image, Target, Target);

    [Benchmark]
    public ImageTensor Vectorised() => ImageResize.Resize(_image, Target, Target, ResizeMethod.Lanczos);
}
