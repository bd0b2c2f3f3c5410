namespace Gantry.Engine.Imaging.Codecs;

/// <summary>An image file that cannot be decoded: empty, truncated, corrupt, of an unknown format, or too large.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
