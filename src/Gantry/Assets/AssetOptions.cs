using System.ComponentModel.DataAnnotations;

namespace Gantry.Assets;

/// <summary>The <c>Gantry:Assets</c> section: the bounds of the asset store and of downloads from URLs.</summary>
public sealed class AssetOptions : IValidatableObject
{
    public const string SectionName = "Gantry:Assets";

    /// <summary>Largest asset uploaded in one request (<c>POST /api/assets</c>, <c>/api/v2/assets</c>).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Largest asset fetched from a URL; a download that grows past it is abandoned, nothing kept.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDownloadBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Most tags on one asset, and in one filter or tag request.</summary>
    [Range(1, 1000)]
    public int MaxTags { get; set; } = 64;

    /// <summary>Longest tag in UTF-8 bytes.</summary>
    [Range(1, 1024)]
    public int MaxTagBytes { get; set; } = 128;

    /// <summary>Largest <c>user_metadata</c> object, as compact JSON in UTF-8 bytes.</summary>
    [Range(2, 16 * 1024 * 1024)]
    public int MaxMetadataBytes { get; set; } = 64 * 1024;

    /// <summary>Downloads may go to loopback, link-local and private addresses (off: only public addresses).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How long connecting to a URL's server may take.</summary>
    public TimeSpan DownloadConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a whole download (or a metadata request) may take.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DownloadConnectTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{SectionName}:DownloadConnectTimeout must be positive.", [nameof(DownloadConnectTimeout)]);
        }

        if (DownloadTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{SectionName}:DownloadTimeout must be positive.", [nameof(DownloadTimeout)]);
        }
    }
}
