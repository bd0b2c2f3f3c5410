using Gantry.Store.Postgres;

namespace Gantry.Tests.Store;

/// <summary>
/// How many connections one instance may open: few enough by default that several instances fit in PostgreSQL's
/// default max_connections (100), and what the connection string says when it says so. Opens no connection.
/// </summary>
public sealed class PostgresPoolSizeTests
{
    private const string Server = "Host=127.0.0.1;Username=gantry;Password=gantry;Database=gantry";

    [Fact]
    public async Task Without_a_pool_size_in_the_connection_string_an_instance_opens_at_most_the_default()
    {
        await using var store = new PostgresGantryStore(Server);

        store.MaxPoolSize.ShouldBe(PostgresGantryStore.DefaultMaxPoolSize);

        // Three instances and their few extra sessions (leadership, notifications) fit in PostgreSQL's default of 100.
        (3 * (PostgresGantryStore.DefaultMaxPoolSize + 6)).ShouldBeLessThanOrEqualTo(100 - 3);
    }

    [Theory]
    [InlineData("Maximum Pool Size=7")]
    [InlineData("MaxPoolSize=7")]
    [InlineData("maximum pool size=7")]
    public async Task A_pool_size_in_the_connection_string_wins_whatever_its_spelling(string setting)
    {
        await using var store = new PostgresGantryStore(Server + ";" + setting);

        store.MaxPoolSize.ShouldBe(7);
    }

    [Fact]
    public async Task The_connection_string_may_also_ask_for_more_than_the_default()
    {
        await using var store = new PostgresGantryStore(Server + ";Maximum Pool Size=100");

        store.MaxPoolSize.ShouldBe(100);
    }
}
