using Gantry.Domain;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Workers;

namespace Gantry.Scheduling;

/// <summary>Whether a worker's catalog can run a graph's <see cref="JobRequirements"/>, and if not, why.</summary>
public static class WorkerFit
{
    public static bool CanRun(WorkerCapabilities capabilities, JobRequirements requirements) => FirstGap(capabilities, requirements) is null;

    /// <summary>The first thing the worker lacks (a node class, or a model file in a node's list), or null when it has everything.</summary>
    public static string? FirstGap(WorkerCapabilities capabilities, JobRequirements requirements)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(requirements);
        var nodes = capabilities.Nodes;
        foreach (var classType in requirements.ClassTypes)
        {
            if (!nodes.Contains(classType))
            {
                return $"node class '{classType}'";
            }
        }

        foreach (var model in requirements.Models)
        {
            if (!HasModel(nodes, model))
            {
                return $"model '{model.File}' ({model.ClassType}.{model.Input})";
            }
        }

        return null;
    }

    /// <summary>
    /// The node's input must be a list (combo) holding the file. An input the worker does not describe as a
    /// list is not a model choice there, and the worker's own validation decides.
    /// </summary>
    private static bool HasModel(NodeInfoSet nodes, ModelReference model)
    {
        if (!nodes.TryGet(model.ClassType, out var info) || info.FindInput(model.Input) is not { IsCombo: true } input)
        {
            return true;
        }

        return input.ComboValues is JArray values && values.Any(v => v is JString s && string.Equals(s.Value, model.File, StringComparison.Ordinal));
    }
}
