using System.Diagnostics;
using Gantry.Load.Driving;
using Gantry.Load.Hosting;
using Gantry.Load.Scenarios;

namespace Gantry.Load;

/// <summary>
/// The load driver: <c>dotnet run -c Release --project bench/Gantry.Load -- SCENARIO [options]</c>. Each scenario
/// starts the real Gantry in this process next to its baseline, drives both, and prints Markdown tables.
/// </summary>
public static class LoadCli
{
    public static IReadOnlyList<IScenario> Scenarios { get; } =
    [
        new SubmitScenario(), new ReadScenario(), new ListScenario(), new QueueScenario(), new PipelineScenario(), new EventsScenario(), new MemoryScenario(), new DashboardScenario(), new InstancesScenario(),
        new ComfyUiScenario(), new ExternalScenario(),
    ];

    public static IEnumerable<string> ScenarioNames => Scenarios.Select(s => s.Name);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args is ["bare", var folder])
        {
            return await BareKestrel.ServeFilesAsync(folder, output);
        }

        LoadArguments arguments;
        try
        {
            arguments = LoadArguments.Parse(args);
        }
        catch (Exception error) when (error is ArgumentException or FormatException)
        {
            await output.WriteLineAsync(error.Message);
            await output.WriteLineAsync("Scenarios:");
            foreach (var scenario in Scenarios)
            {
                await output.WriteLineAsync($"  {scenario.Name,-10} {scenario.Description}");
            }

            return 2;
        }

        var chosen = Scenarios.FirstOrDefault(s => s.Name == arguments.Scenario);
        if (chosen is null)
        {
            await output.WriteLineAsync($"Unknown scenario '{arguments.Scenario}'. Scenarios: {string.Join(", ", ScenarioNames)}.");
            return 2;
        }

        await output.WriteLineAsync(MachineLine());
        var reports = await RunScenarioAsync(chosen, arguments, output, CancellationToken.None);
        foreach (var report in reports)
        {
            await output.WriteLineAsync(report.ToMarkdown());
        }

        return 0;
    }

    /// <summary>Runs one scenario (the smoke tests call this directly).</summary>
    public static Task<IReadOnlyList<ScenarioReport>> RunScenarioAsync(IScenario scenario, LoadArguments arguments, TextWriter log, CancellationToken cancellationToken)
        => scenario.RunAsync(arguments, log, cancellationToken);

    private static string MachineLine() =>
        $"# {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
        $"server GC {System.Runtime.GCSettings.IsServerGC}, {(Debugger.IsAttached ? "debugger attached" : "no debugger")}";
}
