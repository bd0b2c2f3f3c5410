namespace Gantry.Store.Copy;

/// <summary>The verification of a copy: each table's row count and checksum in the source and in the target.</summary>
internal sealed record StoreCopyReport(IReadOnlyList<TableReport> Tables)
{
    public bool AllMatch => Tables.All(t => t.Matches);
}

/// <summary>One table's counts and checksums on both sides.</summary>
internal sealed record TableReport(string Name, TableChecksum Source, TableChecksum Target)
{
    public bool Matches => Source == Target;
}
