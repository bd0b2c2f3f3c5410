using System.Buffers;
using System.Text.Json;
using Gantry.Domain;
using Gantry.Engine.Json;
using Gantry.Store;
using Microsoft.AspNetCore.StaticFiles;

namespace Gantry.Outputs;

/// <summary>
/// Takes the files a job's outputs map names (<c>{filename, subfolder, type}</c> items), stores each once
/// in the <see cref="ContentStore"/>, and records it under the user's name for it so <c>/view</c> finds it.
/// Names stay as the worker chose them unless the user already has a different file under that name
/// (two workers both count from <c>ComfyUI_00001_.png</c>): then the new one gets the first 8 hex digits of
/// its hash appended, and the outputs map is rewritten to match. Every worker kind imports through here.
/// </summary>
public sealed class OutputImporter(ContentStore blobs, IFileIndex index, TimeProvider time)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Maximum size of one output file.</summary>
    public const long MaxFileBytes = 4L * 1024 * 1024 * 1024;

    /// <param name="open">Opens the bytes of a named file, or returns null when the worker no longer has it.</param>
    /// <param name="already">
    /// The files of this job imported before (as each node's <c>executed</c> came): they are taken as they are, not
    /// fetched again, and what this call imports is added to it.
    /// </param>
    public async Task<ImportedOutputs> ImportAsync(
        long userId,
        Guid jobId,
        byte[] outputsJson,
        Func<OutputFileRef, CancellationToken, Task<Stream?>> open,
        CancellationToken cancellationToken,
        ImportedFileSet? already = null)
    {
        using var document = JsonDocument.Parse(outputsJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return new ImportedOutputs("{}"u8.ToArray(), []);
        }

        var files = new List<ProducedFile>();
        var renames = new Dictionary<OutputFileRef, string>();
        foreach (var reference in OutputsMap.Files(document.RootElement))
        {
            if (renames.ContainsKey(reference))
            {
                continue;
            }

            if (already?.Find(reference) is { } known)
            {
                files.Add(known);
                renames[reference] = known.Filename;
                continue;
            }

            await using var stream = await open(reference, cancellationToken);
            if (stream is null)
            {
                continue;
            }

            var blob = await blobs.PutAsync(stream, MaxFileBytes, cancellationToken);
            var name = await ChooseNameAsync(userId, reference, blob.Sha256, cancellationToken);
            var file = new ProducedFile(reference.Type, reference.Subfolder, name, blob.Sha256, blob.Size, ContentTypeOf(name));
            files.Add(file);
            renames[reference] = name;
            already?.Add(reference, file);
            await index.AddFilesAsync(
                [new StoredFile
                {
                    UserId = userId,
                    JobId = jobId,
                    Type = file.Type,
                    Subfolder = file.Subfolder,
                    Filename = file.Filename,
                    Sha256 = file.Sha256,
                    Size = file.Size,
                    ContentType = file.ContentType,
                    CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                }],
                cancellationToken);
        }

        var rewritten = renames.Any(r => r.Value != r.Key.Filename) ? Rewrite(document.RootElement, renames) : outputsJson;
        return new ImportedOutputs(rewritten, files);
    }

    /// <summary>
    /// Imports the files one node's <c>executed</c> names (its UI <c>output</c> object) before the message goes out,
    /// so a client that fetches them on <c>executed</c> finds them. Returns the output with the names as stored, or
    /// null when every name stayed as it was (the message can go out unchanged).
    /// </summary>
    public async Task<JObject?> ImportNodeOutputAsync(
        long userId, Guid jobId, string nodeId, JObject output, Func<OutputFileRef, CancellationToken, Task<Stream?>> open,
        ImportedFileSet already, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var outputs = new JObject([new(nodeId, output)]).ToJsonBytes();
        var imported = await ImportAsync(userId, jobId, outputs, open, cancellationToken, already);
        if (ReferenceEquals(imported.OutputsJson, outputs))
        {
            return null;
        }

        return JParser.Parse(imported.OutputsJson) is JObject rewritten && rewritten[nodeId] is JObject node ? node : null;
    }

    public static string ContentTypeOf(string filename)
        => ContentTypes.TryGetContentType(filename, out var type) ? type : "application/octet-stream";

    private async Task<string> ChooseNameAsync(long userId, OutputFileRef reference, string sha256, CancellationToken cancellationToken)
    {
        var existing = await index.FindFileAsync(userId, reference.Type, reference.Subfolder, reference.Filename, cancellationToken);
        if (existing is null || existing.Sha256 == sha256)
        {
            return reference.Filename;
        }

        var extension = Path.GetExtension(reference.Filename);
        return $"{Path.GetFileNameWithoutExtension(reference.Filename)}_{sha256[..8]}{extension}";
    }

    private static byte[] Rewrite(JsonElement outputs, Dictionary<OutputFileRef, string> renames)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var node in outputs.EnumerateObject())
            {
                writer.WritePropertyName(node.Name);
                if (node.Value.ValueKind != JsonValueKind.Object)
                {
                    node.Value.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject();
                foreach (var entry in node.Value.EnumerateObject())
                {
                    writer.WritePropertyName(entry.Name);
                    if (entry.Value.ValueKind != JsonValueKind.Array)
                    {
                        entry.Value.WriteTo(writer);
                        continue;
                    }

                    writer.WriteStartArray();
                    foreach (var item in entry.Value.EnumerateArray())
                    {
                        if (OutputFileRef.TryRead(item, out var reference) && renames.TryGetValue(reference, out var newName) && newName != reference.Filename)
                        {
                            writer.WriteStartObject();
                            foreach (var property in item.EnumerateObject())
                            {
                                if (property.NameEquals("filename"))
                                {
                                    writer.WriteString("filename", newName);
                                }
                                else
                                {
                                    property.WriteTo(writer);
                                }
                            }

                            writer.WriteEndObject();
                        }
                        else
                        {
                            item.WriteTo(writer);
                        }
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The files of one job imported so far, by the name the worker gave them: what was imported as a node's
/// <c>executed</c> came is reused by the job's final import, so each file is fetched once and keeps one name.
/// </summary>
public sealed class ImportedFileSet
{
    private readonly Dictionary<OutputFileRef, ProducedFile> _files = [];
    private readonly Lock _gate = new();

    public ProducedFile? Find(OutputFileRef reference)
    {
        lock (_gate)
        {
            return _files.GetValueOrDefault(reference);
        }
    }

    public void Add(OutputFileRef reference, ProducedFile file)
    {
        lock (_gate)
        {
            _files[reference] = file;
        }
    }
}

/// <summary>The outputs map as stored (names possibly changed) and the files behind it.</summary>
public sealed record ImportedOutputs(byte[] OutputsJson, IReadOnlyList<ProducedFile> Files);
