using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Gantry.Engine.Imaging.Codecs;
using Gantry.Engine.Tensors;
using Gantry.Engine.TestSupport.Imaging;
using SkiaSharp;

namespace Gantry.Bench.Imaging;

/// <summary>
/// SaveImage's PNG write of a 1024×1024 RGB frame with prompt and workflow text: a scalar single-threaded
/// writer versus the vectorised, band-parallel encoder; Skia's encoder (after a float→RGBA copy) for reference.
/// </summary>
[Config(typeof(ImagingBenchConfig))]
[MemoryDiagnoser]
public class PngEncodeBenchmarks
{
    private static readonly IReadOnlyList<KeyValuePair<string, string>> Text =
        PngEncodeOptions.SaveImageText("{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":1}}}", [new("workflow", "{\"nodes\":[],\"links\":[]}")]);

    private ImageTensor _image = null!;

    /// <summary>4 is SaveImage's level, 1 PreviewImage's.</summary>
    [Params(1, 4)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup() => _image = BenchImages.Photo();

    [Benchmark(Baseline = true)]
    public byte[] ScalarWriter() => NaivePng.Encode(_image.Frame(0), _image.Width, _image.Height, 3, Level, Text);

    [Benchmark]
    public byte[] PngEncoder() => Engine.Imaging.Codecs.PngEncoder.Encode(_image, 0, new PngEncodeOptions { CompressionLevel = Level, TextChunks = Text });

    [Benchmark]
    public byte[] Skia()
    {
        var rgba = new byte[_image.Width * _image.Height * 4];
        PreviewEncoderAccess.ToRgba(_image.Frame(0), 3, rgba);
        var info = new SKImageInfo(_image.Width, _image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, pin.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, Level))
                ?? throw new InvalidOperationException("Skia could not encode the PNG.");
            return data.ToArray();
        }
        finally
        {
            pin.Free();
        }
    }
}
