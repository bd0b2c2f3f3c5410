namespace Gantry.Domain;

/// <summary>A file a job produced, stored content-addressed; the name is how the outputs map refers to it.</summary>
public sealed record ProducedFile(string Type, string Subfolder, string Filename, string Sha256, long Size, string ContentType);
