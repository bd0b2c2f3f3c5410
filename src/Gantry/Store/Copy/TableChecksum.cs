using System.Globalization;

namespace Gantry.Store.Copy;

/// <summary>
/// A table's row count and an order-free checksum: the sum (mod 2^64) of every row's hash, so the two databases can
/// read their rows in whatever order they keep them and still agree when they hold the same rows.
/// </summary>
internal readonly record struct TableChecksum(long Rows, ulong Sum)
{
    public TableChecksum Add(IReadOnlyList<object?> row) => new(Rows + 1, unchecked(Sum + CopyValues.RowHash(row)));

    public override string ToString() => Sum.ToString("x16", CultureInfo.InvariantCulture);

    public static async Task<TableChecksum> OfAsync(IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var checksum = default(TableChecksum);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            checksum = checksum.Add(row);
        }

        return checksum;
    }
}
