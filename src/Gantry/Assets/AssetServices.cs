namespace Gantry.Assets;

public static class AssetServices
{
    /// <summary>Binds and validates <c>Gantry:Assets</c> and registers the asset store.</summary>
    public static IServiceCollection AddAssets(this IServiceCollection services)
    {
        services.AddOptions<AssetOptions>().BindConfiguration(AssetOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAssetStore, AssetStore>();
        services.AddSingleton<AssetInputs>();
        services.AddSingleton<RemoteAssetFetcher>();
        return services;
    }
}
