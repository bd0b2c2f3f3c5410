using Gantry.Store;
using Gantry.Store.Relational;

namespace Gantry.Webhooks;

public static class WebhookServices
{
    /// <summary>Binds and validates <c>Gantry:Webhooks</c>; registers the store, the outbox writer (which the job store runs in each transition's transaction) and the sender.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Timeout > TimeSpan.Zero, "Gantry:Webhooks:Timeout must be positive.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Gantry:Webhooks:PollInterval must be positive.")
            .Validate(o => o.Lease > o.Timeout, "Gantry:Webhooks:Lease must be longer than Gantry:Webhooks:Timeout.")
            .Validate(o => o.RetryDelays.All(d => d >= TimeSpan.Zero), "Gantry:Webhooks:RetryDelays must not be negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => new WebhookStore((IRelationalDatabase)sp.GetRequiredService<IGantryStore>()));
        services.AddSingleton<WebhookSender>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookSender>());
        services.AddSingleton<IJobChangeOutbox, WebhookOutbox>();
        return services;
    }
}
