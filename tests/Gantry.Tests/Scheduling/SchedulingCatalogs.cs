using System.Text;
using Gantry.Domain;
using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Workers;

namespace Gantry.Tests.Scheduling;

/// <summary>Worker catalogs and job requirements as data, for scheduler tests.</summary>
internal static class SchedulingCatalogs
{
    /// <summary>A catalog with the given node classes (no inputs) and a checkpoint loader listing <paramref name="checkpoints"/>.</summary>
    public static WorkerCapabilities Capabilities(IEnumerable<string> classes, params string[] checkpoints)
    {
        var json = new StringBuilder("{");
        foreach (var name in classes)
        {
            json.Append('"').Append(name).Append("\": {\"input\": {\"required\": {}}, \"output\": [], \"name\": \"").Append(name).Append("\"},");
        }

        json.Append("\"CheckpointLoaderSimple\": {\"input\": {\"required\": {\"ckpt_name\": [[")
            .Append(string.Join(',', checkpoints.Select(c => $"\"{c}\"")))
            .Append("], {}]}}, \"output\": [\"MODEL\"], \"name\": \"CheckpointLoaderSimple\"}}");
        return new WorkerCapabilities(NodeInfoSet.FromObjectInfo(JParser.Parse(json.ToString())), WorkerCapabilities.NoModels);
    }

    public static WorkerCapabilities Classes(params string[] classes) => Capabilities(classes);

    /// <summary>Requirements of a graph using the given classes, and a checkpoint loader when <paramref name="checkpoint"/> is set.</summary>
    public static JobRequirements Needs(string[] classes, string? checkpoint = null)
    {
        var json = new StringBuilder("{");
        var id = 1;
        foreach (var name in classes)
        {
            json.Append('"').Append(id++).Append("\": {\"class_type\": \"").Append(name).Append("\", \"inputs\": {}},");
        }

        if (checkpoint is not null)
        {
            json.Append('"').Append(id).Append("\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\": {\"ckpt_name\": \"").Append(checkpoint).Append("\"}},");
        }

        return JobRequirements.FromPrompt(Encoding.UTF8.GetBytes(json.ToString().TrimEnd(',') + "}"), out _)!;
    }

    public static JobRequirements Needs(params string[] classes) => Needs(classes, null);
}
