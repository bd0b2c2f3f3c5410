using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Gantry.Engine.Tensors;

namespace Gantry.Engine.Latents;

/// <summary>
/// Writes ComfyUI's <c>.latent</c> file: a safetensors file holding <c>latent_tensor</c> (float32, the latent's
/// shape) and the empty <c>latent_format_version_0</c> marker, with the prompt and workflow as string metadata.
/// </summary>
/// <remarks>
/// The layout is the safetensors library's: an 8-byte little-endian header length, the JSON header (compact,
/// <c>__metadata__</c> first, then the tensors in data order — equal dtypes sort by name, so the marker comes first),
/// padded with spaces to a multiple of 8, then the little-endian data.
/// </remarks>
public static class LatentFileWriter
{
    public const string TensorName = "latent_tensor";

    public const string VersionMarker = "latent_format_version_0";

    public static byte[] Write(LatentTensor latent, IReadOnlyList<KeyValuePair<string, string>>? metadata)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var dataBytes = checked((long)latent.Length * sizeof(float));
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":{");
            json.AppendJoin(',', metadata.Select(e => $"{Quote(e.Key)}:{Quote(e.Value)}"));
            json.Append("},");
        }

        json.Append(CultureInfo.InvariantCulture, $"\"{VersionMarker}\":{{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}},");
        json.Append(CultureInfo.InvariantCulture, $"\"{TensorName}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', latent.Shape)}],\"data_offsets\":[0,{dataBytes}]}}}}");
        var header = Encoding.UTF8.GetBytes(json.ToString());
        var padded = (header.Length + 7) / 8 * 8;
        var file = new byte[checked(8 + padded + dataBytes)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        var data = file.AsSpan(8 + padded);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(latent.Samples).CopyTo(data);
        }
        else
        {
            for (var i = 0; i < latent.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], latent.Samples[i]);
            }
        }

        return file;
    }

    /// <summary>A JSON string as serde_json writes it: quotes, backslashes and control characters escaped, the rest as UTF-8.</summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
        {
            _ = ch switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                '\b' => quoted.Append("\\b"),
                '\f' => quoted.Append("\\f"),
                < ' ' => quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}"),
                _ => quoted.Append(ch),
            };
        }

        return quoted.Append('"').ToString();
    }
}
