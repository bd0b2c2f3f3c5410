using Gantry.Engine.Catalog;
using Gantry.Engine.Json;
using Gantry.Engine.Validation;
using Gantry.Hosting;
using Gantry.Jobs.Submission;
using Gantry.Outputs;
using Gantry.Workers;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Options;

namespace Gantry.Jobs.Validation;

/// <summary>
/// Validates a graph as ComfyUI's <c>POST /prompt</c> does, against the union of the workers' node
/// catalogs: a <c>class_type</c> or model file no worker has is refused at submit with ComfyUI's error.
/// The built-in nodes' own input checks (LoadImage: the file exists) look at the submitting user's uploads,
/// the folder their job reads from. Before any worker has reported a catalog, only the graph's shape is checked.
/// </summary>
public sealed class CatalogPromptValidator(IWorkerFleet fleet, EmbeddedWorkerFactory embedded, IOptions<GantryOptions> options) : IPromptValidator
{
    public PromptValidation Validate(PromptSubmission submission, long userId)
    {
        if (fleet.Nodes is not { } nodes)
        {
            return PromptShapeValidator.Validate(submission.Prompt);
        }

        if (!JParser.TryParse(submission.PromptJson, out var prompt, out var parseError))
        {
            return PromptValidation.Reject("invalid_prompt", "Invalid prompt", parseError);
        }

        var engine = embedded.Engine;
        var folders = engine.Folders with { Input = UserFiles.InputDirectory(options.Value, userId) };
        var source = new UserScopedSource(nodes, engine.Catalog, folders);
        var result = PromptValidator.Validate(prompt, source, submission.PartialExecutionTargets?.ToArray());
        var nodeErrors = result.NodeErrorsJson().ToJsonBytes();
        if (result.Error is { } error)
        {
            return PromptValidation.Reject(error.Type, error.Message, error.Details, error.ExtraInfo.ToJsonBytes(), nodeErrors);
        }

        return new PromptValidation { OutputsToExecute = result.Outputs, NodeErrorsJson = nodeErrors };
    }

    /// <summary>
    /// The fleet's catalog, where a built-in node's own check (bound to the engine's folders when the catalog was
    /// described) is bound to the user's folders instead. Descriptions from ComfyUI workers carry no check to rebind.
    /// </summary>
    private sealed class UserScopedSource(NodeInfoSet nodes, NodeCatalog catalog, Engine.EngineFolders folders) : INodeInfoSource
    {
        // Described once per submission: describing lists the user's files.
        private readonly Dictionary<string, NodeInfo?> _rebound = new(StringComparer.Ordinal);

        public NodeInfo? Find(string classType)
        {
            var info = nodes.Find(classType);
            if (info?.CustomValidation?.Validate is null || !catalog.Contains(classType))
            {
                return info;
            }

            if (!_rebound.TryGetValue(classType, out var rebound))
            {
                rebound = catalog.Describe(classType, folders) ?? info;
                _rebound[classType] = rebound;
            }

            return rebound;
        }
    }
}
