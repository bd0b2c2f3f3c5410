using System.Globalization;

namespace Gantry.Cli;

internal static class CliFormat
{
    public static string Time(long unixMs)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
