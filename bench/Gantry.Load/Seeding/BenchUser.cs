namespace Gantry.Load.Seeding;

/// <summary>A user the seeder made, with the clear text of its one API key.</summary>
public sealed record BenchUser(long Id, string Name, string Key);
