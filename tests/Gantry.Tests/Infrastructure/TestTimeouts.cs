namespace Gantry.Tests.Infrastructure;

public static class TestTimeouts
{
    /// <summary>One generous bound for anything a test waits on; CI machines are slow, tests never assert timings.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);
}
