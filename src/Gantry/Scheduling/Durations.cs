using System.Globalization;

namespace Gantry.Scheduling;

internal static class Durations
{
    /// <summary>"30 minutes", "2 hours", "90 seconds".</summary>
    public static string Describe(TimeSpan span)
    {
        static string Unit(double value, string unit) => $"{value.ToString("0.###", CultureInfo.InvariantCulture)} {unit}{(value == 1 ? "" : "s")}";
        if (span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours))
        {
            return Unit(span.TotalHours, "hour");
        }

        return span.TotalMinutes >= 1 && span.TotalMinutes == Math.Floor(span.TotalMinutes)
            ? Unit(span.TotalMinutes, "minute")
            : Unit(span.TotalSeconds, "second");
    }
}
