using System.Buffers.Binary;
using System.Text.Json;
using Gantry.Engine.Json;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Latents;

/// <summary>What a <c>.latent</c> file holds: the latent tensor as float32 and whether the version marker is present.</summary>
public sealed record LatentFileContent(LatentTensor Latent, bool HasVersionMarker);

/// <summary>
/// Reads a safetensors <c>.latent</c> file as LoadLatent does (<c>safetensors.torch.load_file</c>, then
/// <c>latent_tensor.float()</c>), checking the file as the safetensors library does before anything is allocated:
/// the header length within the file and at most <see cref="MaxHeaderBytes"/>, a JSON object of entries with a
/// known dtype, a shape of at most <see cref="LatentTensor.MaxRank"/> dimensions whose size matches its offsets,
/// offsets that tile the data exactly. The tensor's size is charged to the run's memory budget before it is read,
/// and only its own bytes are read. Failures are <c>safetensors_rust.SafetensorError</c>s named as the library
/// names them (HeaderTooLarge, InvalidHeaderDeserialization, MetadataIncompleteBuffer, TensorInvalidInfo, ...).
/// </summary>
public static class LatentFileReader
{
    /// <summary>The safetensors library allows 100 MB of header; a latent's (the prompt and workflow) needs far less.</summary>
    public const int MaxHeaderBytes = 16 * 1024 * 1024;

    private static readonly Dictionary<string, int> DtypeSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    public static LatentFileContent Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(file);
    }

    public static LatentFileContent Read(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var length = file.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (length < 8 || file.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw Error("HeaderTooSmall");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw Error("HeaderTooLarge");
        }

        if ((long)headerLength > length - 8)
        {
            throw Error("InvalidHeaderLength");
        }

        var header = new byte[headerLength];
        file.ReadExactly(header);
        var tensors = ParseHeader(header);
        var dataLength = length - 8 - (long)headerLength;
        CheckOffsets(tensors, dataLength);
        if (!tensors.TryGetValue(LatentFileWriter.TensorName, out var entry))
        {
            throw new NodeException("KeyError", PyFormat.StringRepr(LatentFileWriter.TensorName));
        }

        var samples = TensorMemory.Allocate(entry.Shape);
        file.Seek(8 + (long)headerLength + entry.Begin, SeekOrigin.Begin);
        ReadSamples(file, entry, samples);
        return new LatentFileContent(new LatentTensor(entry.Shape, samples), tensors.ContainsKey(LatentFileWriter.VersionMarker));
    }

    private static Dictionary<string, TensorEntry> ParseHeader(byte[] header)
    {
        try
        {
            using var document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Error("InvalidHeaderDeserialization");
            }

            var tensors = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object || property.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    {
                        throw Error("InvalidHeaderDeserialization");
                    }

                    continue;
                }

                tensors[property.Name] = Entry(property.Value);
            }

            return tensors;
        }
        catch (JsonException)
        {
            throw Error("InvalidHeaderDeserialization");
        }
        catch (ArgumentException)
        {
            throw Error("InvalidHeaderDeserialization");
        }
    }

    private static TensorEntry Entry(JsonElement info)
    {
        if (info.ValueKind != JsonValueKind.Object
            || !info.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String
            || !info.TryGetProperty("shape", out var shape) || shape.ValueKind != JsonValueKind.Array
            || !info.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out var begin) || !offsets[1].TryGetInt64(out var end) || begin < 0 || end < begin)
        {
            throw Error("InvalidHeaderDeserialization");
        }

        if (!DtypeSizes.TryGetValue(dtype.GetString()!, out var size))
        {
            throw Error("InvalidHeaderDeserialization");
        }

        if (shape.GetArrayLength() is < 1 or > LatentTensor.MaxRank)
        {
            throw Error("TensorInvalidInfo");
        }

        var dimensions = new int[shape.GetArrayLength()];
        long count = 1;
        for (var i = 0; i < dimensions.Length; i++)
        {
            if (!shape[i].TryGetInt32(out dimensions[i]) || dimensions[i] < 0)
            {
                throw Error("TensorInvalidInfo");
            }

            count = dimensions[i] == 0 || count == 0 ? 0 : count > Array.MaxLength / dimensions[i] ? long.MaxValue : count * dimensions[i];
        }

        if (count == long.MaxValue || count * size != end - begin)
        {
            throw Error("TensorInvalidInfo");
        }

        return new TensorEntry(dtype.GetString()!, dimensions, begin, end, size);
    }

    /// <summary>As the library checks: sorted by offset, the tensors tile the data from 0 to its end without gaps.</summary>
    private static void CheckOffsets(Dictionary<string, TensorEntry> tensors, long dataLength)
    {
        long at = 0;
        foreach (var entry in tensors.Values.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin != at)
            {
                throw Error("InvalidOffset");
            }

            at = entry.End;
        }

        if (at != dataLength)
        {
            throw Error("MetadataIncompleteBuffer");
        }
    }

    private static void ReadSamples(Stream file, TensorEntry entry, float[] samples)
    {
        var buffer = new byte[Math.Min(1 << 20, Math.Max(entry.Size, (entry.End - entry.Begin) / entry.Size * entry.Size))];
        var chunk = buffer.Length / entry.Size * entry.Size;
        var done = 0;
        while (done < samples.Length)
        {
            var count = (int)Math.Min(chunk / entry.Size, samples.Length - done);
            file.ReadExactly(buffer, 0, count * entry.Size);
            for (var i = 0; i < count; i++)
            {
                samples[done + i] = Decode(buffer.AsSpan(i * entry.Size, entry.Size), entry.Dtype);
            }

            done += count;
        }
    }

    private static float Decode(ReadOnlySpan<byte> bytes, string dtype) => dtype switch
    {
        "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes),
        "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
        "I64" => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        "I32" => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        "I16" => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        "I8" => (sbyte)bytes[0],
        "U8" => bytes[0],
        _ => bytes[0] != 0 ? 1f : 0f,
    };

    private static NodeException Error(string kind) =>
        new("safetensors_rust.SafetensorError", $"Error while deserializing header: {kind}");

    private sealed record TensorEntry(string Dtype, int[] Shape, long Begin, long End, int Size);
}
