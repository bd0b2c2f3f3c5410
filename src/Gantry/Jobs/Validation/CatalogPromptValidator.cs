using Gantry.Engine.Json;
using Gantry.Engine.Validation;
using Gantry.Jobs.Submission;
using Gantry.Workers;

namespace Gantry.Jobs.Validation;

/// <summary>
/// Validates a graph as ComfyUI's <c>POST /prompt</c> does, against the union of the workers' node
/// catalogs: a <c>class_type</c> or model file no worker has is refused at submit with ComfyUI's error.
/// Before any worker has reported a catalog, only the graph's shape is checked.
/// </summary>
public sealed class CatalogPromptValidator(IWorkerFleet fleet) : IPromptValidator
{
    public PromptValidation Validate(PromptSubmission submission)
    {
        if (fleet.Nodes is not { } nodes)
        {
            return PromptShapeValidator.Validate(submission.Prompt);
        }

        if (!JParser.TryParse(submission.PromptJson, out var prompt, out var parseError))
        {
            return PromptValidation.Reject("invalid_prompt", "Invalid prompt", parseError);
        }

        var result = PromptValidator.Validate(prompt, nodes, submission.PartialExecutionTargets?.ToArray());
        var nodeErrors = result.NodeErrorsJson().ToJsonBytes();
        if (result.Error is { } error)
        {
            return PromptValidation.Reject(error.Type, error.Message, error.Details, error.ExtraInfo.ToJsonBytes(), nodeErrors);
        }

        return new PromptValidation { OutputsToExecute = result.Outputs, NodeErrorsJson = nodeErrors };
    }
}
