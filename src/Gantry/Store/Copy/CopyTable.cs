namespace Gantry.Store.Copy;

/// <summary>One table to copy: its name, the columns both sides have (in the target's order) and how the source pages it.</summary>
/// <param name="Name">The table name, the same in SQLite and PostgreSQL.</param>
/// <param name="Columns">Every column, with the target's type; the source has the same names.</param>
/// <param name="HasRowId">Whether the SQLite table has a rowid (copied in rowid order, in batches); a <c>WITHOUT ROWID</c> table is copied in one batch.</param>
/// <param name="IdentityColumn">The target's identity column, whose sequence is moved past the copied rows; null when there is none.</param>
internal sealed record CopyTable(string Name, IReadOnlyList<CopyColumn> Columns, bool HasRowId, string? IdentityColumn);

/// <summary>A column and the PostgreSQL type it is written as.</summary>
internal sealed record CopyColumn(string Name, CopyColumnType Type);

/// <summary>The PostgreSQL column types the Gantry schema uses; a value read from SQLite is converted to the matching .NET type.</summary>
internal enum CopyColumnType
{
    Int64,
    Int32,
    Boolean,
    Double,
    Text,
    Bytes,
    Uuid,
}
