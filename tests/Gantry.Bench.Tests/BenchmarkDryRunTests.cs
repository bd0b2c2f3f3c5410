using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Gantry.Bench.Scheduling;

namespace Gantry.Bench.Tests;

/// <summary>A BenchmarkDotNet dry run (one pass of each case, in this process) of the scheduler benchmark: it builds, sets up and runs.</summary>
[Collection(SmokeRuns.Collection)]
public sealed class BenchmarkDryRunTests
{
    [Fact]
    public void The_fair_queue_benchmark_runs_dry_and_reports_each_case()
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
            .AddLogger(NullLogger.Instance)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);

        var summary = BenchmarkRunner.Run<FairQueueDispatchBenchmarks>(config);

        summary.HasCriticalValidationErrors.ShouldBeFalse();
        summary.Reports.Length.ShouldBe(4);
        summary.Reports.ShouldAllBe(report => report.Success);
    }
}
