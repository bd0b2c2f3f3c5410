using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Gantry.Engine.Nodes.Latent;
using Gantry.Engine.Tensors;
using Gantry.Engine.Tests.Nodes.Support;
using Gantry.Engine.Tests.Support;

namespace Gantry.Engine.Tests.Nodes;

/// <summary>
/// EmptyLatentImage, RepeatLatentBatch, LatentFromBatch, SaveLatent and LoadLatent: shapes, batch_index, the
/// .latent file's safetensors layout, the legacy scaling, and hostile files failing cleanly before any allocation.
/// </summary>
public sealed class LatentNodeTests : IDisposable
{
    private static readonly JObject Extra = (JObject)JParser.Parse("""{"extra_pnginfo": {"workflow": {"id": "w"}}}""");

    private readonly NodeRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public async Task EmptyLatentImage_is_zeros_of_a_quarter_channel_eighth_size_shape()
    {
        var latent = await _runner.ProbeAsync<LatentTensor>("""
            {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 72, "height": 31, "batch_size": 3}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);

        latent.Shape.ShouldBe([3, 4, 3, 9]);
        latent.Samples.ToArray().ShouldAllBe(v => v == 0f);
        latent.BatchIndex.ShouldBeNull();
    }

    [Fact]
    public async Task LatentFromBatch_and_RepeatLatentBatch_carry_batch_index_as_ComfyUI_does()
    {
        var latent = await _runner.ProbeAsync<LatentTensor>("""
            {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 16, "height": 16, "batch_size": 5}},
             "2": {"class_type": "LatentFromBatch", "inputs": {"samples": ["1", 0], "batch_index": 3, "length": 9}},
             "3": {"class_type": "RepeatLatentBatch", "inputs": {"samples": ["2", 0], "amount": 3}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["3", 0]}}}
            """);

        latent.Shape.ShouldBe([6, 4, 2, 2]);
        latent.BatchIndex.ShouldBe([3, 4, 5, 6, 7, 8]);
    }

    [Fact]
    public async Task SaveLatent_writes_a_safetensors_file_with_the_marker_and_metadata_that_LoadLatent_reads_back()
    {
        var (result, _) = await _runner.RunAsync(
            """
            {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 24, "height": 16, "batch_size": 2}},
             "2": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0], "filename_prefix": "latents/ComfyUI"}}}
            """,
            Extra);

        result.OutputsJson().ShouldBeJson("""{"2": {"latents": [{"filename": "ComfyUI_00001_.latent", "subfolder": "latents", "type": "output"}]}}""");
        var file = await File.ReadAllBytesAsync(Path.Combine(_runner.Folders.Output, "latents", "ComfyUI_00001_.latent"), TestContext.Current.CancellationToken);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        (headerLength % 8).ShouldBe(0);
        file.Length.ShouldBe(8 + headerLength + (2 * 4 * 2 * 3 * 4));
        var header = Encoding.UTF8.GetString(file, 8, headerLength);
        header.ShouldEndWith("}" + new string(' ', headerLength - header.TrimEnd(' ').Length));
        using var json = JsonDocument.Parse(header);
        json.RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["__metadata__", "latent_format_version_0", "latent_tensor"]);
        json.RootElement.GetProperty("latent_tensor").GetRawText().ShouldBe("""{"dtype":"F32","shape":[2,4,2,3],"data_offsets":[0,192]}""");
        json.RootElement.GetProperty("latent_format_version_0").GetRawText().ShouldBe("""{"dtype":"F32","shape":[0],"data_offsets":[0,0]}""");
        var metadata = json.RootElement.GetProperty("__metadata__");
        metadata.GetProperty("prompt").GetString()!.ShouldStartWith("{\"1\": {\"class_type\": \"EmptyLatentImage\"");
        metadata.GetProperty("workflow").GetString().ShouldBe("{\"id\": \"w\"}");

        File.Copy(Path.Combine(_runner.Folders.Output, "latents", "ComfyUI_00001_.latent"), Path.Combine(_runner.Folders.Input, "back.latent"));
        var loaded = await _runner.ProbeAsync<LatentTensor>("""
            {"1": {"class_type": "LoadLatent", "inputs": {"latent": "back.latent"}},
             "probe": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
            """);
        loaded.Shape.ShouldBe([2, 4, 2, 3]);
    }

    [Fact]
    public async Task LoadLatent_reads_other_dtypes_as_float32_and_scales_a_file_without_the_marker()
    {
        // F16 1.5 and -2, no marker: multiplied by float32(1 / 0.18215) as PyTorch does.
        await WriteInputAsync("old.latent", Safetensors("""{"latent_tensor":{"dtype":"F16","shape":[1,2],"data_offsets":[0,4]}}""", [0x00, 0x3E, 0x00, 0xC0]));
        var old = await LoadAsync("old.latent");
        old.Samples.ToArray().ShouldBe([1.5f * LoadLatent.LegacyScale, -2f * LoadLatent.LegacyScale]);
        LoadLatent.LegacyScale.ShouldBe(5.4899807f);

        var bf16 = BitConverter.SingleToInt32Bits(-0.375f) >>> 16;
        await WriteInputAsync("new.latent", Safetensors(
            """{"__metadata__":{"prompt":""},"latent_format_version_0":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"latent_tensor":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}""",
            [(byte)bf16, (byte)(bf16 >> 8)]));
        (await LoadAsync("new.latent")).Samples.ToArray().ShouldBe([-0.375f]);
    }

    [Theory]
    [InlineData("HeaderTooSmall", null, "")]
    [InlineData("HeaderTooLarge", 16L * 1024 * 1024 + 1, "")]
    [InlineData("HeaderTooLarge", long.MaxValue, "")]
    [InlineData("InvalidHeaderLength", 4096L, "{}")]
    [InlineData("InvalidHeaderDeserialization", null, "[1, 2]")]
    [InlineData("InvalidHeaderDeserialization", null, """{"latent_tensor":{"dtype":"F8_E9","shape":[1],"data_offsets":[0,1]}}""")]
    [InlineData("InvalidHeaderDeserialization", null, """{"__metadata__":{"a":1}}""")]
    [InlineData("TensorInvalidInfo", null, """{"latent_tensor":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}""")]
    [InlineData("TensorInvalidInfo", null, """{"latent_tensor":{"dtype":"F32","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,4]}}""")]
    [InlineData("TensorInvalidInfo", null, """{"latent_tensor":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""")]
    [InlineData("MetadataIncompleteBuffer", null, """{"latent_tensor":{"dtype":"F32","shape":[100000000],"data_offsets":[0,400000000]}}""")]
    [InlineData("InvalidOffset", null, """{"latent_tensor":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""")]
    public async Task A_hostile_latent_file_fails_cleanly_naming_the_safetensors_error(string kind, long? claimedHeader, string header)
    {
        var bytes = header.Length == 0 && claimedHeader is null ? [1, 2, 3] : Safetensors(header, [0, 0, 0, 0]);
        if (claimedHeader is { } claimed)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes, claimed);
        }

        await WriteInputAsync("bad.latent", bytes);
        var error = await _runner.FailureAsync("""{"1": {"class_type": "LoadLatent", "inputs": {"latent": "bad.latent"}}, "s": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0], "filename_prefix": "x"}}}""");

        error.NodeType.ShouldBe("LoadLatent");
        error.ExceptionType.ShouldBe("safetensors_rust.SafetensorError");
        error.ExceptionMessage.ShouldStartWith($"Error while deserializing header: {kind}");
    }

    [Fact]
    public async Task A_file_without_latent_tensor_is_a_KeyError_and_an_unknown_name_fails_validation()
    {
        await WriteInputAsync("other.latent", Safetensors("""{"weights":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", [0, 0, 0, 0]));
        var error = await _runner.FailureAsync("""{"1": {"class_type": "LoadLatent", "inputs": {"latent": "other.latent"}}, "s": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0], "filename_prefix": "x"}}}""");
        (error.ExceptionType, error.ExceptionMessage.TrimEnd()).ShouldBe(("KeyError", "'latent_tensor'"));

        var validation = _runner.Validate("""{"1": {"class_type": "LoadLatent", "inputs": {"latent": "missing.latent"}}, "s": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0], "filename_prefix": "x"}}}""");
        validation.IsValid.ShouldBeFalse();
        validation.NodeErrorsJson().ToJsonString().ShouldContain("Invalid latent file: missing.latent");
    }

    /// <summary>Loads the named file; each call has its own probe (named after the file), since probes keep what they saw.</summary>
    private async Task<LatentTensor> LoadAsync(string name) => await _runner.ProbeAsync<LatentTensor>(
        """
        {"1": {"class_type": "LoadLatent", "inputs": {"latent": "NAME"}},
         "NAME": {"class_type": "TestProbe", "inputs": {"value": ["1", 0]}}}
        """.Replace("NAME", name, StringComparison.Ordinal),
        name);

    private Task WriteInputAsync(string name, byte[] bytes) =>
        File.WriteAllBytesAsync(Path.Combine(_runner.Folders.Input, name), bytes, TestContext.Current.CancellationToken);

    /// <summary>A safetensors file as the library writes one: length, the header padded with spaces to 8 bytes, the data.</summary>
    private static byte[] Safetensors(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }
}
