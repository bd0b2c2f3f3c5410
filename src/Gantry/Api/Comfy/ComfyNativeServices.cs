using Gantry.Events;
using Gantry.Hosting;
using Gantry.Outputs;
using Microsoft.Extensions.Options;

namespace Gantry.Api.Comfy;

/// <summary>The services behind the ComfyUI-native surface: event sockets, queue status messages, uploads, signed file links.</summary>
public static class ComfyNativeServices
{
    public static IServiceCollection AddComfyNative(this IServiceCollection services)
    {
        services.AddSingleton<ComfyFeatures>();
        services.AddSingleton<UserUploads>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GantryOptions>>().Value;
            return new SignedFileUrls(options, options.Comfy.SignedUrlLifetime, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GantryOptions>>().Value.Comfy;
            return new EventSocketSettings(options.SocketBufferFrames, options.SocketCloseTimeout, sp.GetRequiredService<ComfyFeatures>().FeatureFlagsReply);
        });
        services.AddSingleton(sp => new ImageConverter(sp.GetRequiredService<IOptions<GantryOptions>>().Value.Comfy.MaxImagePixels));
        services.AddSingleton<EventSocketServer>();
        services.AddHostedService<QueueStatusBroadcaster>();
        return services;
    }
}
