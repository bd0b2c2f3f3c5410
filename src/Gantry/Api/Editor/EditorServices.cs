using Gantry.Store;
using Gantry.Store.Editor;
using Gantry.Store.Relational;

namespace Gantry.Api.Editor;

public static class EditorServices
{
    /// <summary>Binds and validates <c>Gantry:Editor</c>, and registers the editor's state store on Gantry's store.</summary>
    public static IServiceCollection AddEditor(this IServiceCollection services)
    {
        services.AddOptions<EditorOptions>().BindConfiguration(EditorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MaskCompositor>();
        services.AddSingleton<IEditorStateStore>(sp => new EditorStateStore((IRelationalDatabase)sp.GetRequiredService<IGantryStore>()));
        return services;
    }

    public static IEndpointRouteBuilder MapEditor(this IEndpointRouteBuilder app)
    {
        app.MapUserData();
        app.MapEditorSettings();
        app.MapEditorUsers();
        app.MapEditorCatalog();
        app.MapEditorStatic();
        app.MapMasks();
        return app;
    }
}
