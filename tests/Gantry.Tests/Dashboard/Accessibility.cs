using System.Text.Json;
using Gantry.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gantry.Tests.Dashboard;

/// <summary>
/// axe-core (npm, pinned in tests/clients) run inside a dashboard page, in the light and the dark theme: any
/// <c>serious</c> or <c>critical</c> violation fails the test with the rule, its help text and the elements it found.
/// </summary>
public static class Accessibility
{
    private static readonly Lazy<string> Script = new(() =>
    {
        var path = Path.Combine(RepositoryPaths.ClientScripts, "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"axe-core is not installed: run 'npm ci' in {RepositoryPaths.ClientScripts} (test.sh does).");
        }

        return File.ReadAllText(path);
    });

    // Evaluated through the DevTools protocol (no script tag in the page); both themes, then the findings as JSON.
    private const string Run = """
        async theme => {
          document.documentElement.dataset.theme = theme;
          await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return JSON.stringify(result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary ?? '')) })));
        }
        """;

    /// <summary>Checks the page as it is now in both themes, then puts the theme the page had back.</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, string name)
    {
        if (!await page.EvaluateAsync<bool>("typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(Script.Value);
        }

        var saved = await page.EvaluateAsync<string?>("document.documentElement.dataset.theme ?? null");
        var findings = new List<string>();
        foreach (var theme in new[] { "light", "dark" })
        {
            var json = await page.EvaluateAsync<string>(Run, theme);
            foreach (var violation in JsonDocument.Parse(json).RootElement.EnumerateArray())
            {
                findings.Add($"{name} ({theme}): [{violation.GetProperty("impact")}] {violation.GetProperty("id")}: {violation.GetProperty("help")}\n      "
                    + string.Join("\n      ", violation.GetProperty("nodes").EnumerateArray().Select(n => n.GetString())));
            }
        }

        await page.EvaluateAsync(saved is null ? "delete document.documentElement.dataset.theme" : $"document.documentElement.dataset.theme = '{saved}'");
        findings.ShouldBeEmpty($"axe-core found serious or critical violations:\n{string.Join("\n", findings)}");
    }
}
