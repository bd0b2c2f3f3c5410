using Gantry.Engine.Imaging.Noise;

namespace Gantry.Engine.Tests.Imaging;

/// <summary>
/// The engine's copy of PyTorch's CPU generator against values PyTorch 1.13 (Debian's, AVX2) printed for
/// <c>torch.rand</c> / <c>torch.randn(n, generator=torch.manual_seed(seed))</c>.
/// </summary>
public sealed class TorchRandomTests
{
    [Fact]
    public void Float_uniforms_are_torch_rand_bit_for_bit()
    {
        var generator = new TorchCpuGenerator(0);
        float[] expected = [0.49625659f, 0.768221796f, 0.0884774327f, 0.132030487f, 0.307422817f, 0.634078681f];

        expected.Select(_ => generator.NextFloat()).ToArray().ShouldBe(expected);
    }

    [Fact]
    public void Fewer_than_16_normals_take_the_double_path_exactly()
    {
        var five = new float[5];
        TorchRandn.Fill(five, 0);

        five.ShouldBe([1.54099607f, -0.293428898f, -2.17878938f, 0.568431258f, -1.08452237f]);
    }

    [Fact]
    public void Only_the_low_32_bits_of_the_seed_count()
    {
        var top = new float[15];
        var low = new float[15];
        TorchRandn.Fill(top, ulong.MaxValue);
        TorchRandn.Fill(low, uint.MaxValue);

        top.ShouldBe([1.21976304f, -0.392979473f, 1.0230751f, -0.373421133f, -0.0755101964f, -1.25822771f, 0.334715724f, -0.676622629f, -0.264496863f, 0.191763669f, -0.664642811f, 0.709757686f, 0.753840387f, -0.180989012f, 0.612868905f]);
        low.ShouldBe(top);
    }

    [Fact]
    public void Sixteen_normals_are_one_box_muller_block_within_two_ulps()
    {
        var block = new float[16];
        TorchRandn.Fill(block, 0);

        ShouldBeWithinUlps(block, [-1.12583983f, -1.1523602f, -0.250578582f, -0.433878809f, 0.848710358f, 0.692009151f, -0.31601277f, -2.11521935f, 0.322274923f, -1.26333475f, 0.349983186f, 0.30813393f, 0.119841509f, 1.2376579f, 1.11677718f, -0.247278154f]);
    }

    [Fact]
    public void A_partial_last_block_is_redrawn_from_fresh_uniforms()
    {
        var twenty = new float[20];
        TorchRandn.Fill(twenty, 7);

        // Elements 4..19 are the redrawn block; 0..3 keep the first block's values.
        ShouldBeWithinUlps(twenty, [-0.820134521f, 0.395631164f, 0.898908496f, -1.38840389f, 0.198445052f, 0.782072663f, 1.03910768f, -0.724510729f, -0.848908603f, -1.21692944f, -0.0810215846f, 1.36148512f, -2.0614779f, 0.674100697f, -1.32334578f, -1.35976899f, -0.866701603f, -0.564006686f, -2.05646253f, -0.356722534f]);
    }

    /// <summary>PyTorch's AVX2 kernel takes SLEEF's 1-ulp logf/cosf/sinf; .NET's may round the other way.</summary>
    private static void ShouldBeWithinUlps(float[] actual, float[] expected)
    {
        actual.Length.ShouldBe(expected.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var ulps = Math.Abs(BitConverter.SingleToInt32Bits(actual[i]) - BitConverter.SingleToInt32Bits(expected[i]));
            ulps.ShouldBeLessThanOrEqualTo(2, $"element {i}: {actual[i]:R} against {expected[i]:R}");
        }
    }
}
