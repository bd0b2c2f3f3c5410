using System.Buffers.Binary;
using System.Text.Json;

namespace Gantry.Events;

/// <summary>
/// ComfyUI's binary WebSocket frames: <c>[uint32 BE event type][payload]</c>. Type 1 is a preview image
/// (<c>[uint32 image type: 1 JPEG, 2 PNG][bytes]</c>), type 3 progress text, type 4 a preview with metadata
/// (<c>[uint32 metadata length][metadata JSON][bytes]</c>, the metadata naming <c>image_type</c> as a MIME type).
/// </summary>
public static class BinaryFrames
{
    public const uint PreviewImage = 1;
    public const uint Text = 3;
    public const uint PreviewImageWithMetadata = 4;

    /// <summary>The image type of a type-1 frame.</summary>
    public const uint Jpeg = 1;

    /// <summary>The image type of a type-1 frame.</summary>
    public const uint Png = 2;

    /// <summary>The event type of a binary frame, or 0 when it is shorter than its header.</summary>
    public static uint EventTypeOf(ReadOnlySpan<byte> frame)
        => frame.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(frame) : 0;

    /// <summary>A type-1 frame: <c>[1][imageType][image]</c>.</summary>
    public static byte[] Preview(uint imageType, ReadOnlySpan<byte> image)
    {
        var frame = new byte[8 + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, PreviewImage);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), imageType);
        image.CopyTo(frame.AsSpan(8));
        return frame;
    }

    /// <summary>A type-4 frame: <c>[4][metadata length][metadata JSON][image]</c>.</summary>
    public static byte[] PreviewWithMetadata(ReadOnlySpan<byte> metadataJson, ReadOnlySpan<byte> image)
    {
        var frame = new byte[8 + metadataJson.Length + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, PreviewImageWithMetadata);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)metadataJson.Length);
        metadataJson.CopyTo(frame.AsSpan(8));
        image.CopyTo(frame.AsSpan(8 + metadataJson.Length));
        return frame;
    }

    /// <summary>Splits a well-formed type-4 frame into its metadata JSON and its image bytes.</summary>
    public static bool TrySplitPreviewWithMetadata(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> metadata, out ReadOnlySpan<byte> image)
    {
        metadata = default;
        image = default;
        if (frame.Length < 8 || EventTypeOf(frame) != PreviewImageWithMetadata)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
        if (length > (uint)(frame.Length - 8))
        {
            return false;
        }

        metadata = frame.Slice(8, (int)length);
        image = frame[(8 + (int)length)..];
        return true;
    }

    /// <summary>
    /// The type-1 frame for a type-4 frame, for clients that did not ask for preview metadata; null when the
    /// frame is malformed or its image is neither JPEG nor PNG (type 1 cannot say anything else).
    /// </summary>
    public static byte[]? ToLegacyPreview(ReadOnlySpan<byte> frame)
    {
        if (!TrySplitPreviewWithMetadata(frame, out var metadata, out var image))
        {
            return null;
        }

        var imageType = ImageTypeOf(metadata, image);
        return imageType == 0 ? null : Preview(imageType, image);
    }

    /// <summary>The type-1 image type named by the metadata's <c>image_type</c>, else recognised from the image's first bytes; 0 when neither.</summary>
    private static uint ImageTypeOf(ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> image)
    {
        var named = ReadImageType(metadata);
        if (named.SequenceEqual("image/png"u8))
        {
            return Png;
        }

        if (named.SequenceEqual("image/jpeg"u8) || named.SequenceEqual("image/jpg"u8))
        {
            return Jpeg;
        }

        if (image.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]))
        {
            return Png;
        }

        return image.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Jpeg : 0;
    }

    private static ReadOnlySpan<byte> ReadImageType(ReadOnlySpan<byte> metadata)
    {
        try
        {
            var reader = new Utf8JsonReader(metadata);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isImageType = reader.ValueTextEquals("image_type"u8);
                reader.Read();
                if (isImageType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    return reader.ValueSpan;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Unreadable metadata: fall back to the image's own signature.
        }

        return default;
    }
}
