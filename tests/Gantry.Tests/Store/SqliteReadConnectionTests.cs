using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gantry.Tests.Store;

/// <summary>A pooled SQLite reader keeps one command per statement text, bounded, with its parameters cleared per use.</summary>
public sealed class SqliteReadConnectionTests
{
    [Fact]
    public void The_same_text_gets_the_same_command_with_no_parameters_left()
    {
        using var reader = Open();
        var first = reader.Command("SELECT @x", out var kept);
        kept.ShouldBeTrue();
        first.Parameters.AddWithValue("@x", 1);
        first.ExecuteScalar().ShouldBe(1L);

        var again = reader.Command("SELECT @x", out var keptAgain);

        keptAgain.ShouldBeTrue();
        again.ShouldBeSameAs(first);
        again.Parameters.Count.ShouldBe(0);
        again.Parameters.AddWithValue("@x", 2);
        again.ExecuteScalar().ShouldBe(2L);
        reader.KeptStatements.ShouldBe(1);
    }

    [Fact]
    public void Past_the_bound_a_text_is_the_callers_to_dispose()
    {
        using var reader = Open();
        for (var i = 0; i < SqliteReadConnection.MaxKeptStatements; i++)
        {
            reader.Command($"SELECT {i}", out var kept);
            kept.ShouldBeTrue();
        }

        using var extra = reader.Command("SELECT 'one too many'", out var extraKept);

        extraKept.ShouldBeFalse();
        extra.ExecuteScalar().ShouldBe("one too many");
        reader.KeptStatements.ShouldBe(SqliteReadConnection.MaxKeptStatements);
        reader.Command("SELECT 0", out var stillKept).ShouldNotBeNull();
        stillKept.ShouldBeTrue();
    }

    [Fact]
    public void Disposing_closes_the_connection_and_its_commands()
    {
        var reader = Open();
        var command = reader.Command("SELECT 1", out _);

        reader.Dispose();

        reader.Connection.State.ShouldBe(System.Data.ConnectionState.Closed);
        reader.KeptStatements.ShouldBe(0);
        Should.Throw<InvalidOperationException>(() => command.ExecuteScalar());
    }

    private static SqliteReadConnection Open()
    {
        var connection = new SqliteConnection("Data Source=:memory:;Pooling=False");
        connection.Open();
        return new SqliteReadConnection(connection);
    }
}
