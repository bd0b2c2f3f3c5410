using Gantry.Store;

namespace Gantry.Hosting;

/// <summary>
/// The one way Gantry reads its settings, for <c>gantry serve</c> and for the local commands that need the data folder
/// or the store (<c>keys</c>, <c>users</c>, and the admin-key lookup of the commands that talk to a server):
/// ASP.NET Core's default sources, later ones winning: <c>appsettings.json</c> and <c>appsettings.{Environment}.json</c>
/// next to the executable, environment variables (<c>GANTRY__SECTION__KEY</c>, in any case), then the command line
/// (<c>--Gantry:Section:Key=value</c>, which the <c>--data</c> and <c>--store</c> flags become).
/// </summary>
public static class GantryConfiguration
{
    /// <summary>What the web host is built with: the arguments as settings, the executable's folder as content root.</summary>
    public static WebApplicationOptions BuilderOptions(string[] args) => new() { Args = args, ContentRootPath = AppContext.BaseDirectory };

    /// <summary>The settings the <c>--data</c> and <c>--store</c> flags stand for (a flag not given adds none).</summary>
    public static IEnumerable<string> StoreFlagSettings(string? dataFlag, string? storeFlag)
    {
        if (dataFlag is not null)
        {
            yield return $"--Gantry:DataDirectory={dataFlag}";
        }

        if (storeFlag is not null)
        {
            yield return $"--Gantry:Store:Postgres={storeFlag}";
        }
    }

    /// <summary>
    /// The data folder and store settings <c>gantry serve</c> with these flags would start with, read from the same
    /// sources, without starting anything.
    /// </summary>
    /// <exception cref="InvalidDataException">An appsettings file is not valid JSON.</exception>
    public static (DataOptions Data, StoreOptions Store) ReadStoreSettings(string? dataFlag, string? storeFlag)
    {
        var builder = WebApplication.CreateBuilder(BuilderOptions([.. StoreFlagSettings(dataFlag, storeFlag)]));
        using var configuration = builder.Configuration;
        var data = new DataOptions();
        configuration.GetSection(DataOptions.SectionName).Bind(data);
        var store = new StoreOptions();
        configuration.GetSection(StoreOptions.SectionName).Bind(store);
        return (data, store);
    }
}
