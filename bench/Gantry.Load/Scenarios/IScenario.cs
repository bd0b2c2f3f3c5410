using Gantry.Load.Driving;

namespace Gantry.Load.Scenarios;

/// <summary>One named measurement of the load driver; it starts what it needs and stops it again.</summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>One line on what the scenario measures (for the usage text).</summary>
    string Description { get; }

    /// <summary>Runs the scenario, reporting progress on <paramref name="log"/>; returns its tables.</summary>
    Task<IReadOnlyList<ScenarioReport>> RunAsync(LoadArguments arguments, TextWriter log, CancellationToken cancellationToken);
}
