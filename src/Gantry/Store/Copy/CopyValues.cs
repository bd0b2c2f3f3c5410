using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gantry.Store.Copy;

/// <summary>
/// Converts SQLite values to what the PostgreSQL column holds (integers to booleans, 16-byte blobs in RFC 4122 order to
/// uuids, as the stores write them), and hashes a row the same way whichever side it was read from.
/// </summary>
internal static class CopyValues
{
    /// <exception cref="InvalidDataException">The value cannot be what the column holds.</exception>
    public static object? FromSqlite(object? value, CopyColumn column, string table)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        try
        {
            return column.Type switch
            {
                CopyColumnType.Int64 => Convert.ToInt64(value, CultureInfo.InvariantCulture),
                CopyColumnType.Int32 => Convert.ToInt32(value, CultureInfo.InvariantCulture),
                CopyColumnType.Boolean => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
                CopyColumnType.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                CopyColumnType.Text => value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture),
                CopyColumnType.Bytes => value as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture)!),
                CopyColumnType.Uuid => value is byte[] { Length: 16 } bytes
                    ? new Guid(bytes, bigEndian: true)
                    : throw new InvalidDataException("not a 16-byte id"),
                _ => throw new InvalidDataException($"unknown column type {column.Type}"),
            };
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or InvalidDataException)
        {
            throw new InvalidDataException($"{table}.{column.Name} holds a value PostgreSQL cannot take: {ex.Message}", ex);
        }
    }

    /// <summary>The first 8 bytes of the SHA-256 of the row's values in a canonical form (type tag, length, bytes).</summary>
    public static ulong RowHash(IReadOnlyList<object?> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[9];
        foreach (var value in values)
        {
            switch (value)
            {
                case null:
                    hash.AppendData([0]);
                    break;
                case long or int or bool:
                    number[0] = 1;
                    BinaryPrimitives.WriteInt64BigEndian(number[1..], value is bool b ? (b ? 1 : 0) : Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    hash.AppendData(number);
                    break;
                case double d:
                    number[0] = 2;
                    BinaryPrimitives.WriteDoubleBigEndian(number[1..], d);
                    hash.AppendData(number);
                    break;
                case string s:
                    AppendBytes(hash, 3, Encoding.UTF8.GetBytes(s));
                    break;
                case byte[] bytes:
                    AppendBytes(hash, 4, bytes);
                    break;
                case Guid g:
                    AppendBytes(hash, 5, g.ToByteArray(bigEndian: true));
                    break;
                default:
                    throw new InvalidDataException($"Cannot hash a {value.GetType().Name}.");
            }
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    private static void AppendBytes(IncrementalHash hash, byte tag, byte[] bytes)
    {
        Span<byte> header = stackalloc byte[9];
        header[0] = tag;
        BinaryPrimitives.WriteInt64BigEndian(header[1..], bytes.Length);
        hash.AppendData(header);
        hash.AppendData(bytes);
    }
}
