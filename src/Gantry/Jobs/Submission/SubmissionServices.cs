using Gantry.Jobs.Validation;

namespace Gantry.Jobs.Submission;

public static class SubmissionServices
{
    /// <summary>Binds and validates <c>Gantry:Limits</c>, and registers the submit path's limits, its validation against the fleet's catalog, and the submitter.</summary>
    public static IServiceCollection AddSubmission(this IServiceCollection services)
    {
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.QueueFullRetryAfter >= TimeSpan.Zero, "Gantry:Limits:QueueFullRetryAfter must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<SubmitLimits>();
        services.AddSingleton<IPromptValidator, CatalogPromptValidator>();
        services.AddSingleton<JobSubmitter>();
        return services;
    }
}
