using System.Text.RegularExpressions;
using Gantry.Domain;
using Gantry.Store.Relational;
using Gantry.Store.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gantry.Tests.Store;

/// <summary>The transition statement binds exactly the parameters it names, for every shape of transition.</summary>
public sealed partial class JobTransitionSqlTests
{
    public static TheoryData<string> Shapes() => [.. TransitionsByShape.Keys];

    private static readonly Dictionary<string, JobTransition> TransitionsByShape = new()
    {
        ["bare"] = new() { JobId = Guid.NewGuid(), To = JobState.Cancelled, AtMs = 1 },
        ["dispatch"] = new() { JobId = Guid.NewGuid(), To = JobState.Dispatched, AtMs = 1, Worker = "w", CountAttempt = true, OnlyFrom = [JobState.Queued] },
        ["requeue"] = new() { JobId = Guid.NewGuid(), To = JobState.Queued, AtMs = 1, OnlyOnWorker = "w", ResetExecution = true },
        ["start only"] = new() { JobId = Guid.NewGuid(), To = JobState.Running, AtMs = 1, ExecutionStartMs = 5 },
        ["end only"] = new() { JobId = Guid.NewGuid(), To = JobState.Cancelled, AtMs = 1, ExecutionEndMs = 5 },
        ["everything"] = new()
        {
            JobId = Guid.NewGuid(),
            To = JobState.Failed,
            AtMs = 1,
            Worker = "w",
            OnlyOnWorker = "v",
            ExecutionStartMs = 2,
            ExecutionEndMs = 3,
            ErrorMessage = "e",
            ExecutionErrorJson = [1],
            OutputsCount = 1,
            PreviewOutputJson = [2],
            OutputTypes = OutputMediaTypes.Image,
        },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_parameter_named_is_bound_and_nothing_else(string shape)
    {
        var transition = TransitionsByShape[shape];
        var sql = JobTransitionSql.BuildUpdate(transition, JobTransitionSql.AllowedSources(transition));
        using var command = new SqliteCommand(sql);

        JobTransitionSql.BindUpdate(command, transition, SqliteDialect.Instance);

        var named = ParameterName().Matches(sql).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
        var bound = command.Parameters.Cast<SqliteParameter>().Select(p => p.ParameterName).Order(StringComparer.Ordinal);
        bound.ShouldBe(named);
    }

    [GeneratedRegex("@[a-z_]+")]
    private static partial Regex ParameterName();
}
