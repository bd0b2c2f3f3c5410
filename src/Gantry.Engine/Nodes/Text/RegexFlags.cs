namespace Gantry.Engine.Nodes.Text;

/// <summary>The three flag inputs the regex nodes share (re.IGNORECASE, re.MULTILINE, re.DOTALL).</summary>
internal static class RegexFlags
{
    public static PyRegex Compile(NodeInputs inputs, string pattern) => PyRegex.Compile(
        pattern,
        inputs.GetOrDefault("case_insensitive", true),
        inputs.GetOrDefault("multiline", false),
        inputs.GetOrDefault("dotall", false));
}
