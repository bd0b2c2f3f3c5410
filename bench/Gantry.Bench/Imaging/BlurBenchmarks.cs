using BenchmarkDotNet.Attributes;
using Gantry.Engine.Imaging.Filters;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;

namespace Gantry.Bench.Imaging;

/// <summary>ImageBlur on 1024×1024 RGB: the full 2-D convolution ComfyUI describes versus the separable, vectorised one.</summary>
[Config(typeof(ImagingBenchConfig))]
[MemoryDiagnoser]
public class BlurBenchmarks
{
    private ImageTensor _image = null!;

    [Params(4)]
    public int Radius { get; set; }

    [GlobalSetup]
    public void Setup() => _image = BenchImages.Photo();

    [Benchmark(Baseline = true)]
    public ImageTensor Naive2D() => NaiveImaging.Blur(_image, Radius, 1f);

    [Benchmark]
    public ImageTensor Separable() => ImageFilters.Blur(_image, Radius, 1f);
}
