namespace Gantry.Store.Copy;

/// <summary>
/// Which SQLite tables <c>gantry store copy</c> copies: all of them, in foreign-key order, except the few listed in
/// <see cref="NotCopied"/> with the reason. A table the SQLite schema has and neither list names stops the copy, so a
/// new table cannot be left behind silently.
/// </summary>
internal sealed class CopyPlan
{
    /// <summary>Tables that stay behind, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotCopied = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["schema_version"] = "the target migrates itself to the same version before the copy",
        ["leadership"] = "the dispatcher's term belongs to the database; the target keeps its own",
        ["sqlite_sequence"] = "SQLite's own counters; the copy moves the target's identity sequences past them",
    };

    public CopyPlan(IReadOnlyList<CopyTable> tables) => Tables = tables;

    /// <summary>The tables to copy, parents before children.</summary>
    public IReadOnlyList<CopyTable> Tables { get; }

    /// <summary>Orders table names so every table comes after the tables its foreign keys point at.</summary>
    /// <param name="parents">Each table's referenced tables.</param>
    public static IReadOnlyList<string> ParentsFirst(IReadOnlyDictionary<string, IReadOnlyList<string>> parents)
    {
        var ordered = new List<string>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        void Visit(string table)
        {
            if (placed.Contains(table))
            {
                return;
            }

            if (!visiting.Add(table))
            {
                throw new InvalidOperationException($"The foreign keys of '{table}' form a cycle; the copy cannot order it.");
            }

            foreach (var parent in parents.GetValueOrDefault(table, []))
            {
                if (parent != table && parents.ContainsKey(parent))
                {
                    Visit(parent);
                }
            }

            visiting.Remove(table);
            placed.Add(table);
            ordered.Add(table);
        }

        foreach (var table in parents.Keys.Order(StringComparer.Ordinal))
        {
            Visit(table);
        }

        return ordered;
    }
}
