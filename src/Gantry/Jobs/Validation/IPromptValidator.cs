using System.Text.Json;

namespace Gantry.Jobs.Validation;

/// <summary>Checks a submitted API-format graph before it is accepted.</summary>
public interface IPromptValidator
{
    /// <param name="prompt">The <c>prompt</c> object of the request.</param>
    /// <param name="partialExecutionTargets">Output node ids to restrict execution to, or null for all.</param>
    PromptValidation Validate(JsonElement prompt, IReadOnlyList<string>? partialExecutionTargets);
}
