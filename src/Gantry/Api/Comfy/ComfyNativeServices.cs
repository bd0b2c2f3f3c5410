using Gantry.Events;
using Gantry.Outputs;
using Gantry.Store;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>The services behind the ComfyUI-native surface: event sockets, queue status messages, uploads, signed file links.</summary>
public static class ComfyNativeServices
{
    public static IServiceCollection AddComfyNative(this IServiceCollection services)
    {
        services.AddOptions<ComfyOptions>().BindConfiguration(ComfyOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.SignedUrlLifetime > TimeSpan.Zero, "Gantry:Comfy:SignedUrlLifetime must be positive.")
            .Validate(o => o.SocketCloseTimeout >= TimeSpan.Zero, "Gantry:Comfy:SocketCloseTimeout must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<ComfyFeatures>();
        services.AddSingleton<UserUploads>();
        services.AddSingleton(sp =>
        {
            var data = sp.GetRequiredService<IOptions<DataOptions>>().Value;
            var options = sp.GetRequiredService<IOptions<ComfyOptions>>().Value;
            return new SignedFileUrls(data, options.SignedUrlLifetime, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ComfyOptions>>().Value;
            return new EventSocketSettings(options.SocketBufferFrames, options.SocketCloseTimeout, sp.GetRequiredService<ComfyFeatures>().FeatureFlagsReply);
        });
        services.AddSingleton(sp => new ImageConverter(sp.GetRequiredService<IOptions<ComfyOptions>>().Value.MaxImagePixels));
        services.AddSingleton<EventSocketServer>();
        services.AddHostedService<QueueStatusBroadcaster>();
        return services;
    }
}
