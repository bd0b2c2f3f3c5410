using Gantry.Jobs.Submission;

namespace Gantry.Jobs.Validation;

/// <summary>Checks a submitted API-format graph before it is accepted.</summary>
public interface IPromptValidator
{
    /// <param name="submission">The graph and its options.</param>
    /// <param name="userId">Who submits it: checks of input files look at this user's uploads.</param>
    PromptValidation Validate(PromptSubmission submission, long userId);
}
