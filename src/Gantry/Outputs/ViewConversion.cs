using System.Globalization;

namespace Gantry.Outputs;

/// <summary>
/// What <c>/view</c>'s <c>channel</c> and <c>preview</c> ask for, read as ComfyUI reads them. <c>preview=FORMAT;Q</c>
/// re-encodes the image: FORMAT is <c>webp</c> or <c>jpeg</c> (anything else, or a <c>channel</c> containing an
/// <c>a</c>, is webp), Q (the last <c>;</c> part, when all digits) the quality, 90 by default; <c>jpeg</c> or
/// <c>channel=rgb</c> drops the alpha. Without <c>preview</c>, <c>channel=rgb</c> is the colour planes as PNG,
/// <c>channel=a</c> the alpha plane as a black RGBA PNG with that alpha (opaque when the image has none), and any
/// other channel (<c>rgba</c>, the default) the file as stored.
/// </summary>
public sealed record ViewConversion(ViewFormat Format, ViewChannels Channels, int Quality)
{
    public const int DefaultQuality = 90;

    /// <summary>The media type of the converted bytes.</summary>
    public string ContentType => Format switch
    {
        ViewFormat.Webp => "image/webp",
        ViewFormat.Jpeg => "image/jpeg",
        _ => "image/png",
    };

    /// <summary>The conversion the query asks for; null when the file goes out as stored.</summary>
    public static ViewConversion? Read(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var channel = query["channel"].Count > 0 ? query["channel"].ToString() : null;
        if (query["preview"].Count > 0)
        {
            var parts = query["preview"].ToString().Split(';');
            var format = parts[0] == "jpeg" && channel?.Contains('a', StringComparison.Ordinal) != true ? ViewFormat.Jpeg : ViewFormat.Webp;
            var quality = DefaultQuality;
            var last = parts[^1];
            if (last.Length > 0 && last.All(char.IsAsciiDigit))
            {
                // ComfyUI hands any number to the encoder, which keeps it within 0–100.
                quality = int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var given) ? Math.Min(given, 100) : 100;
            }

            var opaque = format == ViewFormat.Jpeg || channel == "rgb";
            return new ViewConversion(format, opaque ? ViewChannels.Rgb : ViewChannels.Rgba, quality);
        }

        return channel switch
        {
            "rgb" => new ViewConversion(ViewFormat.Png, ViewChannels.Rgb, DefaultQuality),
            "a" => new ViewConversion(ViewFormat.Png, ViewChannels.Alpha, DefaultQuality),
            _ => null,
        };
    }
}

public enum ViewFormat
{
    Png,
    Webp,
    Jpeg,
}

public enum ViewChannels
{
    /// <summary>The image as it is, alpha included.</summary>
    Rgba,

    /// <summary>The colour planes, alpha dropped (not blended).</summary>
    Rgb,

    /// <summary>Black with the image's alpha.</summary>
    Alpha,
}
