using System.Text;
using Gantry.Events;

namespace Gantry.Tests.Events;

/// <summary>ComfyUI's binary preview frames and the type-4 to type-1 conversion.</summary>
public sealed class BinaryFramesTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xDB, 7];

    [Fact]
    public void Frames_are_laid_out_with_big_endian_headers()
    {
        BinaryFrames.Preview(BinaryFrames.Jpeg, Jpeg).ShouldBe([0, 0, 0, 1, 0, 0, 0, 1, .. Jpeg]);
        var metadata = "{}"u8.ToArray();
        BinaryFrames.PreviewWithMetadata(metadata, Png).ShouldBe([0, 0, 0, 4, 0, 0, 0, 2, .. metadata, .. Png]);
        BinaryFrames.EventTypeOf([0, 0, 0, 3, 1]).ShouldBe(BinaryFrames.Text);
        BinaryFrames.EventTypeOf([0, 0]).ShouldBe(0u);
    }

    [Theory]
    [InlineData("image/png", true, 2u)]
    [InlineData("image/jpeg", false, 1u)]
    [InlineData(null, true, 2u)]
    [InlineData(null, false, 1u)]
    public void A_type_4_frame_becomes_type_1_with_the_image_type_from_metadata_or_signature(string? imageType, bool png, uint expected)
    {
        var image = png ? Png : Jpeg;
        var metadata = imageType is null ? """{"node_id": "9"}""" : $$"""{"node_id": "9", "prompt_id": "x", "image_type": "{{imageType}}"}""";
        var legacy = BinaryFrames.ToLegacyPreview(BinaryFrames.PreviewWithMetadata(Encoding.UTF8.GetBytes(metadata), image));
        legacy.ShouldBe(BinaryFrames.Preview(expected, image));
    }

    [Fact]
    public void Frames_that_cannot_become_type_1_give_null()
    {
        BinaryFrames.ToLegacyPreview(BinaryFrames.PreviewWithMetadata("""{"image_type": "image/webp"}"""u8, "RIFF0000WEBP"u8)).ShouldBeNull();
        BinaryFrames.ToLegacyPreview([0, 0, 0, 4, 0, 0, 1, 0, 1, 2]).ShouldBeNull();
        BinaryFrames.ToLegacyPreview(BinaryFrames.Preview(BinaryFrames.Png, Png)).ShouldBeNull();
        BinaryFrames.ToLegacyPreview(BinaryFrames.PreviewWithMetadata("not json"u8, Png)).ShouldBe(BinaryFrames.Preview(BinaryFrames.Png, Png));
    }

    [Fact]
    public void The_conversion_is_made_once_per_frame()
    {
        var frame = EventFrame.Binary(Guid.NewGuid(), BinaryFrames.PreviewWithMetadata("""{"image_type": "image/png"}"""u8, Png));
        frame.IsPreviewWithMetadata.ShouldBeTrue();
        var first = frame.LegacyPreview;
        first.ToArray().ShouldBe(BinaryFrames.Preview(BinaryFrames.Png, Png));
        frame.LegacyPreview.Equals(first).ShouldBeTrue();
        EventFrame.Text("progress", null, "{}"u8.ToArray()).IsPreviewWithMetadata.ShouldBeFalse();
    }

    [Theory]
    [InlineData("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""", true, true)]
    [InlineData("""{"type": "feature_flags", "data": {"supports_preview_metadata": false}}""", true, false)]
    [InlineData("""{"type": "feature_flags"}""", true, false)]
    [InlineData("""{"type": "hello", "data": {"supports_preview_metadata": true}}""", false, false)]
    [InlineData("""not json""", false, false)]
    [InlineData("""[1]""", false, false)]
    public void Feature_flags_messages_are_recognised(string message, bool recognised, bool previewMetadata)
    {
        ClientMessageReader.TryReadFeatureFlags(Encoding.UTF8.GetBytes(message), out var flag).ShouldBe(recognised);
        flag.ShouldBe(previewMetadata);
    }
}
