namespace Gantry.Domain;

/// <summary>
/// A file a user can fetch through <c>/view</c>: a job output or preview, or an upload.
/// The bytes live content-addressed under the data folder (by <see cref="Sha256"/>);
/// this record maps the ComfyUI-style name to them.
/// </summary>
public sealed record StoredFile
{
    public required long UserId { get; init; }

    /// <summary>The job that produced it; null for uploads.</summary>
    public Guid? JobId { get; init; }

    /// <summary><c>output</c>, <c>temp</c> or <c>input</c>.</summary>
    public required string Type { get; init; }

    public required string Subfolder { get; init; }

    public required string Filename { get; init; }

    /// <summary>Lowercase hex SHA-256 of the content.</summary>
    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    public required string ContentType { get; init; }

    public required long CreatedAtMs { get; init; }
}
