using Gantry.Jobs.Submission;

namespace Gantry.Jobs.Validation;

/// <summary>Checks a submitted API-format graph before it is accepted.</summary>
public interface IPromptValidator
{
    PromptValidation Validate(PromptSubmission submission);
}
