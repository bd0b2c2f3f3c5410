using Gantry.Engine.Validation;
using Gantry.Jobs.Submission;
using Gantry.Workers;
using Gantry.Workers.Embedded;
using Microsoft.Extensions.Options;

namespace Gantry.Jobs.Validation;

/// <summary>
/// Validates a graph as ComfyUI's <c>POST /prompt</c> does, against the union of the workers' node
/// catalogs: a <c>class_type</c> or model file no worker has is refused at submit with ComfyUI's error.
/// The built-in nodes' own input checks (LoadImage: the file exists) look at the submitting user's uploads,
/// the folder their job reads from (<see cref="UserScopedCatalog"/>). Before any worker has reported a catalog,
/// only the graph's shape is checked.
/// </summary>
public sealed class CatalogPromptValidator(UserScopedCatalog catalog, IOptions<EngineSettings> options) : IPromptValidator
{
    private readonly int _maxNodes = options.Value.MaxNodesPerPrompt;

    public PromptValidation Validate(PromptSubmission submission, long userId)
    {
        if (catalog.For(userId) is not { } source)
        {
            return PromptShapeValidator.Validate(submission.Prompt, _maxNodes);
        }

        // The graph was parsed once, at the edge, by the same parser the engine uses.
        var result = PromptValidator.Validate(submission.Prompt, source, submission.PartialExecutionTargets?.ToArray(), _maxNodes);
        var nodeErrors = result.NodeErrorsJson().ToJsonBytes();
        if (result.Error is { } error)
        {
            return PromptValidation.Reject(error.Type, error.Message, error.Details, error.ExtraInfo.ToJsonBytes(), nodeErrors);
        }

        return new PromptValidation { OutputsToExecute = result.Outputs, NodeErrorsJson = nodeErrors };
    }
}
